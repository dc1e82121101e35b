import test from 'ava';
import { ApiError } from '../../common/client/api-client.js';
import { isApiError } from '../../common/client/api-error.js';
import { LABEL_MANAGED_BY, MANAGED_BY_GIT, type Pod } from '../../common/schema/index.js';
import type { KV } from '../../reconciler/store/kv.js';
import { startTestApi, TEST_TOKEN } from '../helpers/api-server.js';
import { testEtcdKV } from '../helpers/etcd.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const gitPod = (name: string, labels: Record<string, string> = {}): Pod => {
  const p = makePod(name);
  p.metadata.labels = { ...labels, [LABEL_MANAGED_BY]: MANAGED_BY_GIT };
  return p;
};

async function raw(url: string, method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('lists objects in Kubernetes list shape, per namespace and across namespaces, filtered by label', async (t) => {
  const { url, store } = await startTestApi(t);
  await store.create(gitPod('web-1', { app: 'web' }));
  await store.create(gitPod('db-1', { app: 'db' }));
  const other = gitPod('web-2', { app: 'web' });
  other.metadata.namespace = 'prod';
  await store.create(other);

  const inDefault = await raw(url, 'GET', '/api/v1/namespaces/default/pods');
  t.is(inDefault.status, 200);
  t.is(inDefault.body.kind, 'PodList');
  t.is(inDefault.body.apiVersion, 'v1');
  t.regex(String((inDefault.body.metadata as { resourceVersion: string }).resourceVersion), /^\d+$/);
  t.deepEqual((inDefault.body.items as Pod[]).map((p) => p.metadata.name).sort(), ['db-1', 'web-1']);

  const all = await raw(url, 'GET', '/api/v1/pods?labelSelector=app%3Dweb');
  t.deepEqual((all.body.items as Pod[]).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort(), ['default/web-1', 'prod/web-2']);

  const notWeb = await raw(url, 'GET', '/api/v1/pods?labelSelector=app!%3Dweb');
  t.deepEqual(
    (notWeb.body.items as Pod[]).map((p) => p.metadata.name),
    ['db-1'],
  );
});

test('gets one object and answers a missing one with a NotFound Status', async (t) => {
  const { url, store, client } = await startTestApi(t);
  await store.create(gitPod('web'));
  const got = await client.get({ kind: 'Pod', namespace: 'default', name: 'web' });
  t.is(got?.spec.containers[0]?.image, 'busybox:latest');
  t.regex(got?.metadata.resourceVersion ?? '', /^\d+$/);

  const missing = await raw(url, 'GET', '/api/v1/namespaces/default/pods/nope');
  t.is(missing.status, 404);
  t.like(missing.body, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
  t.is(await client.get({ kind: 'Pod', namespace: 'default', name: 'nope' }), undefined);
});

test('a watch resumes after a revision and sees ADDED, MODIFIED and DELETED', async (t) => {
  const { store, client } = await startTestApi(t);
  const before = await store.create(gitPod('old'));
  const { resourceVersion } = await client.list('Pod', { namespace: 'default' });
  t.true(Number(resourceVersion) >= Number(before.metadata.resourceVersion));

  const abort = new AbortController();
  const seen: string[] = [];
  const done = (async () => {
    for await (const e of client.watch('Pod', { namespace: 'default', resourceVersion }, abort.signal)) {
      seen.push(`${e.type} ${e.object.metadata.name}`);
      if (seen.length === 3) abort.abort();
    }
  })();
  const web = await store.create(gitPod('web'));
  await store.updateStatus({ kind: 'Pod', namespace: 'default', name: 'web' }, { phase: 'Running' });
  await store.delete({ kind: 'Pod', namespace: 'default', name: 'web' });
  await done;
  t.deepEqual(seen, ['ADDED web', 'MODIFIED web', 'DELETED web']);
  t.truthy(web.metadata.uid);
});

test('a watch without a revision first sends the current objects as ADDED', async (t) => {
  const { client, store } = await startTestApi(t);
  await store.create(gitPod('a'));
  const abort = new AbortController();
  for await (const e of client.watch('Pod', {}, abort.signal)) {
    t.is(e.type, 'ADDED');
    t.is(e.object.metadata.name, 'a');
    abort.abort();
  }
});

test('a watch that allows bookmarks gets BOOKMARK events while idle, and never a blank line', async (t) => {
  const { url, client } = await startTestApi(t, { bookmarkMs: 50 });
  const { resourceVersion } = await client.list('Node');
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1/nodes?watch=true&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    signal: abort.signal,
  });
  t.is(res.headers.get('content-type'), 'application/json');
  const chunk = new TextDecoder().decode((await res.body!.getReader().read()).value);
  t.deepEqual(JSON.parse(chunk), { type: 'BOOKMARK', object: { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion } } });
  abort.abort();
});

test('a watch etcd refuses ends with an ERROR event that the client raises as Expired (410)', async (t) => {
  const etcd = testEtcdKV(t);
  // etcd refuses watches from compacted revisions; compacting the shared test etcd would disturb other tests.
  const kv: KV = {
    get: (key) => etcd.get(key),
    list: (prefix) => etcd.list(prefix),
    commit: (ops) => etcd.commit(ops),
    putWithTtl: (key, value, ttl) => etcd.putWithTtl(key, value, ttl),
    watch: async () => {
      throw new Error('etcdserver: mvcc: required revision has been compacted');
    },
    close: () => etcd.close(),
  };
  const { client } = await startTestApi(t, { kv });
  const err = await t.throwsAsync(async () => {
    for await (const _ of client.watch('Pod', { resourceVersion: '5' })) t.fail('no event expected');
  });
  t.true(isApiError(err, 'Expired'));
  t.is((err as ApiError).status, 410);
  t.regex(err!.message, /^too old resource version: 5 .*compacted\); list again$/);
});

test('the status subresource is written and validated with field paths', async (t) => {
  const { url, store, client } = await startTestApi(t);
  await store.create(gitPod('web'));
  const updated = await client.updateStatus({ kind: 'Pod', namespace: 'default', name: 'web' }, { phase: 'Running', podIP: '10.244.1.5' });
  t.is(updated.status?.podIP, '10.244.1.5');
  t.is((await store.get({ kind: 'Pod', namespace: 'default', name: 'web' }))?.status?.phase, 'Running');

  const bad = await raw(url, 'PUT', '/api/v1/namespaces/default/pods/web/status', { status: { phase: 'Sleeping' } });
  t.is(bad.status, 400);
  t.is(bad.body.reason, 'Invalid');
  t.regex(String(bad.body.message), /^Pod "web" is invalid: status\.phase: /);

  const missing = await raw(url, 'PUT', '/api/v1/namespaces/default/pods/ghost/status', { status: { phase: 'Running' } });
  t.is(missing.status, 404);
});

test('a spec write to a Git kind is refused with a message to commit instead', async (t) => {
  const { url, store, client } = await startTestApi(t);
  const err = await t.throwsAsync(client.create(makePod('web')), { instanceOf: ApiError });
  t.is(err?.status, 403);
  t.is(err?.message, 'pods "web" comes from Git: create it by committing a manifest to the cluster repository (mkctl apply -f)');

  await store.create(gitPod('web'));
  const put = await raw(url, 'PUT', '/api/v1/namespaces/default/pods/web', gitPod('web'));
  t.is(put.status, 403);
  t.is(put.body.message, 'pods "web" comes from Git: change its spec by committing to the cluster repository (mkctl apply -f)');
});

test('deleting a Git-owned object is refused, deleting a controller-owned one is allowed', async (t) => {
  const { store, client } = await startTestApi(t);
  await store.create(gitPod('from-git'));
  await store.create(makePod('web-abcde', { owner: 'web' }));

  const err = await t.throwsAsync(client.delete({ kind: 'Pod', namespace: 'default', name: 'from-git' }));
  t.true(isApiError(err, 'Forbidden'));
  t.regex(err!.message, /comes from Git: commit the removal .*\(mkctl delete\)/);
  t.truthy(await store.get({ kind: 'Pod', namespace: 'default', name: 'from-git' }));

  t.true(await client.delete({ kind: 'Pod', namespace: 'default', name: 'web-abcde' }));
  t.is(await store.get({ kind: 'Pod', namespace: 'default', name: 'web-abcde' }), undefined);
  t.false(await client.delete({ kind: 'Pod', namespace: 'default', name: 'web-abcde' }));
});

test('Nodes are registered, updated and removed through the API', async (t) => {
  const { url, store } = await startTestApi(t);
  const created = await raw(url, 'POST', '/api/v1/nodes', makeNode('node-1'));
  t.is(created.status, 201);
  t.truthy((created.body.metadata as { uid?: string }).uid);

  const again = await raw(url, 'POST', '/api/v1/nodes', makeNode('node-1'));
  t.is(again.status, 409);
  t.is(again.body.reason, 'AlreadyExists');

  const node = makeNode('node-1', { unschedulable: true });
  const updated = await raw(url, 'PUT', '/api/v1/nodes/node-1', node);
  t.is(updated.status, 200);
  t.true((await store.get({ kind: 'Node', name: 'node-1' }))?.spec.unschedulable);

  const invalid = await raw(url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'Bad_Name' }, spec: {} });
  t.is(invalid.status, 400);
  t.regex(String(invalid.body.message), /metadata\.name: /);

  t.is((await raw(url, 'DELETE', '/api/v1/nodes/node-1')).status, 200);
});

test('bad JSON is a 400 Status, unknown paths a 404 Status, and no token a 401', async (t) => {
  const { url } = await startTestApi(t);
  const badJson = await raw(url, 'POST', '/api/v1/nodes', '{"kind": ');
  t.is(badJson.status, 400);
  t.like(badJson.body, { kind: 'Status', reason: 'BadRequest', message: 'request body is not valid JSON' });
  t.false(JSON.stringify(badJson.body).includes('    at '));

  t.is((await raw(url, 'GET', '/api/v1/widgets')).status, 404);

  const anonymous = await raw(url, 'GET', '/api/v1/namespaces/default/pods', undefined, null);
  t.is(anonymous.status, 401);
  t.like(anonymous.body, { kind: 'Status', reason: 'Unauthorized', code: 401 });
  t.is((await raw(url, 'GET', '/api/v1/nodes', undefined, 'wrong-token-0123456789')).status, 401);

  t.is((await fetch(`${url}/healthz`)).status, 200);
});

test('events posted through the API aggregate repeats', async (t) => {
  const { client, store } = await startTestApi(t);
  const pod = await store.create(gitPod('web'));
  await client.recordEvent(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', { component: 'node-agent', host: 'node-1' });
  const second = await client.recordEvent(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', { component: 'node-agent', host: 'node-1' });
  t.is(second.count, 2);
  const { items } = await client.list('Event', { namespace: 'default' });
  t.is(items.length, 1);
  t.like(items[0], { reason: 'BackOff', count: 2, involvedObject: { kind: 'Pod', name: 'web', uid: pod.metadata.uid } });
});
