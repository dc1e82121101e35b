import test from 'ava';
import { LABEL_MANAGED_BY, MANAGED_BY_GIT, type Pod } from '../../common/schema/index.js';
import { startTestApi, TEST_TOKEN } from '../helpers/api-server.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

/** Parsed JSON read without narrowing: the assertions that read it are the checks. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = any;

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const gitPod = (name: string, opts: Parameters<typeof makePod>[1] = {}): Pod => {
  const p = makePod(name, opts);
  p.metadata.labels = { app: name, [LABEL_MANAGED_BY]: MANAGED_BY_GIT };
  return p;
};

async function call(url: string, path: string, init: { method?: string; accept?: string; body?: unknown; contentType?: string } = {}) {
  const res = await fetch(url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(init.accept && { accept: init.accept }), 'content-type': init.contentType ?? 'application/json' },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, Json> };
}

test('lists answer as a Table with the columns mkctl prints, wide ones at priority 1', async (t) => {
  const { url, store } = await startTestApi(t);
  await store.create(gitPod('web', { nodeName: 'node-1', phase: 'Running' }));
  const r = await call(url, '/api/v1/namespaces/default/pods', { accept: TABLE });
  t.is(r.body.kind, 'Table');
  t.deepEqual(
    r.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
    ['NAME:0', 'READY:0', 'STATUS:0', 'RESTARTS:0', 'IP:1', 'NODE:1', 'AGE:0'],
  );
  t.deepEqual(r.body.rows[0].cells.slice(0, 6), ['web', '0/1', 'Running', '0', '<none>', 'node-1']);
  t.is(r.body.rows[0].object.kind, 'PartialObjectMetadata');
  t.is(r.body.rows[0].object.metadata.name, 'web');
  const one = await call(url, '/api/v1/namespaces/default/pods/web?includeObject=Object', { accept: TABLE });
  t.is(one.body.rows[0].object.kind, 'Pod');
});

test('field and set-based label selectors filter lists; unsupported ones and unknown parameters are a 400', async (t) => {
  const { url, store } = await startTestApi(t);
  await store.create(gitPod('a', { nodeName: 'node-1' }));
  await store.create(gitPod('b', { nodeName: 'node-2' }));
  const names = async (q: string) => (await call(url, `/api/v1/pods?${q}`)).body.items.map((p: Pod) => p.metadata.name);
  t.deepEqual(await names('fieldSelector=spec.nodeName%3Dnode-2'), ['b']);
  t.deepEqual(await names('fieldSelector=metadata.name!%3Da'), ['b']);
  t.deepEqual(await names(`labelSelector=${encodeURIComponent('app in (a,c)')}`), ['a']);
  t.deepEqual(await names(`labelSelector=${encodeURIComponent('!app')}`), []);

  const unsupported = await call(url, '/api/v1/pods?fieldSelector=spec.image%3Dx');
  t.is(unsupported.status, 400);
  t.regex(unsupported.body.message, /field label not supported: "spec.image"/);
  const unknown = await call(url, '/api/v1/pods?sortBy=name');
  t.is(unknown.status, 400);
  t.regex(unknown.body.message, /query parameter "sortBy" is not supported for list/);
  t.is((await call(url, '/api/v1/pods?resourceVersionMatch=Exact&resourceVersion=1')).status, 400);
});

test('limit and continue page through a list', async (t) => {
  const { url, store } = await startTestApi(t);
  for (const n of ['p1', 'p2', 'p3']) await store.create(gitPod(n));
  const first = await call(url, '/api/v1/namespaces/default/pods?limit=2');
  t.deepEqual(
    first.body.items.map((p: Pod) => p.metadata.name),
    ['p1', 'p2'],
  );
  t.is(first.body.metadata.remainingItemCount, 1);
  const rest = await call(url, `/api/v1/namespaces/default/pods?limit=2&continue=${first.body.metadata.continue}`);
  t.deepEqual(
    rest.body.items.map((p: Pod) => p.metadata.name),
    ['p3'],
  );
  t.is(rest.body.metadata.continue, undefined);
  t.is((await call(url, '/api/v1/namespaces/default/pods?continue=garbage')).status, 400);
});

test('a watch from a future revision is refused as too large; one with a timeout ends by itself', async (t) => {
  const { url, store } = await startTestApi(t);
  const { revision } = await store.list('Pod');
  const future = await call(url, `/api/v1/pods?watch=true&resourceVersion=${revision + 1000}`);
  t.is(future.status, 504);
  t.is(future.body.reason, 'Timeout');
  t.regex(future.body.message, /^Too large resource version: \d+, current: \d+$/);
  t.is(future.body.details.causes[0].reason, 'ResourceVersionTooLarge');

  await store.create(gitPod('x'));
  const res = await fetch(`${url}/api/v1/pods?watch=true&timeoutSeconds=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  });
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; object: Record<string, Json> });
  t.deepEqual(
    lines.map((l) => l.type),
    ['ADDED', 'BOOKMARK'],
  );
  t.is(lines[1]!.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
});

test('every spec write to a Git kind is refused as a Status naming the commit; a dry run validates without storing', async (t) => {
  const { url, store } = await startTestApi(t);
  await store.create(gitPod('web'));
  const patch = await call(url, '/api/v1/namespaces/default/pods/web', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: {} } });
  t.like(patch, {
    status: 403,
    body: {
      kind: 'Status',
      reason: 'Forbidden',
      message: 'pods "web" comes from Git: change its spec by committing to the cluster repository (mkctl apply -f)',
    },
  });
  const apply = await call(url, '/api/v1/namespaces/default/pods/web?fieldManager=kubectl&force=true', {
    method: 'PATCH',
    contentType: 'application/apply-patch+yaml',
    body: {},
  });
  t.is(apply.status, 403);
  t.is((await call(url, '/apis/apps/v1/namespaces/default/deployments/web/scale', { method: 'PUT', body: {} })).status, 403);

  const dry = await call(url, '/api/v1/namespaces/default/pods?dryRun=All', { method: 'POST', body: makePod('new') });
  t.is(dry.status, 201);
  t.is(await store.get({ kind: 'Pod', namespace: 'default', name: 'new' }), undefined);
  const invalid = await call(url, '/api/v1/namespaces/default/pods?dryRun=All', { method: 'POST', body: { ...makePod('bad'), spec: { containers: [] } } });
  t.is(invalid.status, 400);
  t.regex(invalid.body.message, /spec\.containers/);
  const dryPatch = await call(url, '/api/v1/namespaces/default/pods/web?dryRun=All', {
    method: 'PATCH',
    contentType: 'application/strategic-merge-patch+json',
    body: { metadata: { labels: { tier: 'x' } } },
  });
  t.is(dryPatch.status, 200);
  t.is(dryPatch.body.metadata.labels.tier, 'x');
  t.is((await store.get({ kind: 'Pod', namespace: 'default', name: 'web' }))?.metadata.labels?.tier, undefined);
});

test('a kind the API writes takes merge and JSON patches (kubectl cordon)', async (t) => {
  const { url, store } = await startTestApi(t);
  await store.create(makeNode('node-1'));
  const r = await call(url, '/api/v1/nodes/node-1', {
    method: 'PATCH',
    contentType: 'application/strategic-merge-patch+json',
    body: { spec: { unschedulable: true } },
  });
  t.is(r.status, 200);
  t.true((await store.get({ kind: 'Node', name: 'node-1' }))?.spec.unschedulable);
  await call(url, '/api/v1/nodes/node-1', {
    method: 'PATCH',
    contentType: 'application/json-patch+json',
    body: [{ op: 'remove', path: '/spec/unschedulable' }],
  });
  t.is((await store.get({ kind: 'Node', name: 'node-1' }))?.spec.unschedulable, undefined);
});

test('discovery and OpenAPI are generated from the schema registry', async (t) => {
  const { url } = await startTestApi(t);
  const core = await call(url, '/api/v1');
  const pods = core.body.resources.find((r: { name: string }) => r.name === 'pods');
  t.like(pods, { kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: ['get', 'list', 'watch'] });
  t.true(core.body.resources.some((r: { name: string }) => r.name === 'pods/exec'));
  const groups = (await call(url, '/apis')).body.groups.map((g: { name: string }) => g.name);
  t.true(['apps', 'autoscaling', 'metrics.k8s.io', 'coordination.k8s.io'].every((g) => groups.includes(g)));
  t.is((await call(url, '/apis/apps/v1')).body.resources.find((r: { name: string }) => r.name === 'deployments').kind, 'Deployment');
  t.is((await call(url, '/apis/nope/v1')).status, 404);
  t.is((await call(url, '/version')).body.major, '1');

  const index = await call(url, '/openapi/v3');
  const appsUrl: string = index.body.paths['apis/apps/v1'].serverRelativeURL;
  const apps = await call(url, appsUrl);
  const deployment = apps.body.components.schemas['io.k8s.api.apps.v1.Deployment'];
  t.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  t.is(deployment.properties.spec.properties.template.properties.spec.properties.containers.type, 'array');
  const patch = apps.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  t.true(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
  t.is((await call(url, '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })).status, 406);
  t.truthy((await call(url, '/openapi/v2')).body.definitions['io.k8s.api.core.v1.Pod']);
});

test('metrics.k8s.io, node leases and scale are read-only views of the stored kinds', async (t) => {
  const { url, store } = await startTestApi(t);
  const node = makeNode('node-1');
  node.status!.conditions![0]!.lastHeartbeatTime = '2026-01-01T00:00:00.123Z';
  await store.create(node);
  const web = gitPod('web');
  web.metadata.namespace = 'shop';
  await store.create(web);
  await store.create({
    apiVersion: 'metrics.minik8s.io/v1',
    kind: 'NodeMetrics',
    metadata: { name: 'node-1' },
    timestamp: '2026-01-01T00:00:05Z',
    windowSeconds: 10,
    usage: { cpu: '250m', memory: '64Mi' },
    pods: [{ namespace: 'shop', name: 'web', containers: [{ name: 'c', usage: { cpu: '250m', memory: '64Mi' } }] }],
  });
  const nodes = await call(url, '/apis/metrics.k8s.io/v1beta1/nodes');
  t.like(nodes.body.items[0], { kind: 'NodeMetrics', metadata: { name: 'node-1' }, window: '10s', usage: { cpu: '250m' } });
  const pods = await call(url, '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb');
  t.deepEqual(
    pods.body.items.map((p: { metadata: { name: string } }) => p.metadata.name),
    ['web'],
  );
  t.is((await call(url, '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).body.items.length, 0);

  const lease = await call(url, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1');
  t.like(lease.body, { kind: 'Lease', spec: { holderIdentity: 'node-1', renewTime: '2026-01-01T00:00:00.123000Z' } });
});

test('a namespace deleted through the API turns Terminating; built-in and Git’s namespaces are not deleted so', async (t) => {
  const { url, store } = await startTestApi(t);
  const namespace = (name: string, labels?: Record<string, string>) => ({ apiVersion: 'v1' as const, kind: 'Namespace' as const, metadata: { name, labels } });
  for (const ns of [namespace('default'), namespace('scratch'), namespace('shop', { [LABEL_MANAGED_BY]: MANAGED_BY_GIT })]) await store.create(ns);
  const table = await call(url, '/api/v1/namespaces', { accept: 'application/json;as=Table;g=meta.k8s.io;v=v1' });
  t.deepEqual(
    table.body.columnDefinitions.map((c: { name: string }) => c.name),
    ['NAME', 'STATUS', 'AGE'],
  );
  t.like(await call(url, '/api/v1/namespaces/default', { method: 'DELETE' }), {
    status: 403,
    body: { reason: 'Forbidden', message: 'namespaces "default" is forbidden: this namespace may not be deleted' },
  });
  const gits = await call(url, '/api/v1/namespaces/shop', { method: 'DELETE' });
  t.is(gits.status, 403);
  t.regex(gits.body.message, /comes from Git: commit the removal/);
  t.like(await call(url, '/api/v1/namespaces/scratch', { method: 'DELETE' }), { status: 200, body: { status: { phase: 'Terminating' } } });
  t.truthy((await store.get({ kind: 'Namespace', name: 'scratch' }))?.metadata.deletionTimestamp, 'left to the namespace controller');
  t.is((await call(url, '/api/v1/namespaces/nope')).status, 404);
});
