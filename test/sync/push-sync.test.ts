import test from 'ava';
import { ANNOTATION_SOURCE_COMMIT, ANNOTATION_SOURCE_FILE, LABEL_MANAGED_BY, MANAGED_BY_GIT } from '../../common/schema/index.js';
import { makePod } from '../helpers/fixtures.js';
import { cloneRepo, commitAndPush, podYaml, startGitCluster } from './git-cluster.js';

const web = { kind: 'Pod' as const, namespace: 'default', name: 'web' };

test('a push is synced into etcd with the source file and commit recorded', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const push = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') });
  if (!push.ok) return t.fail(push.output);
  const result = await c.sync.controller.waitForResult(push.revision, 5000);
  t.like(result, { reason: 'Succeeded', counts: { created: 1, pruned: 0 } });
  const pod = await c.store.get(web);
  t.is(pod?.metadata.annotations?.[ANNOTATION_SOURCE_FILE], 'apps/web.yaml');
  t.is(pod?.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT], push.revision);
  t.is(pod?.metadata.labels?.[LABEL_MANAGED_BY], MANAGED_BY_GIT);
});

test('a push with a YAML syntax error is rejected with file and line, and nothing changes', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const good = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') });
  if (!good.ok) return t.fail(good.output);
  await c.sync.controller.waitForResult(good.revision, 5000);
  const before = await c.store.get(web);
  const bad = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web', 'nginx').replace('name: web', 'name: web: oops') });
  t.false(bad.ok);
  t.regex(bad.output, /remote: apps\/web\.yaml:4:9: /);
  t.regex(bad.output, /push rejected/);
  await c.sync.controller.whenIdle();
  t.is((await c.store.get(web))?.metadata.resourceVersion, before?.metadata.resourceVersion);
  t.is(await c.sync.controller.source.latestRevision(), good.revision);
});

test('a push with a schema violation is rejected with the field path', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const bad = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web').replace('image: busybox:latest', 'image: 7\n      restart: yes') });
  t.false(bad.ok);
  t.regex(bad.output, /apps\/web\.yaml:8:\d+: spec\.containers\[0\]\.image: /);
  t.regex(bad.output, /spec\.containers\[0\]: .*restart/);
  t.is(await c.store.get(web), undefined);
});

test('a push with an unknown kind or a duplicate name is rejected', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const bad = await commitAndPush(dir, {
    'apps/a.yaml': podYaml('web'),
    'apps/b.yaml': podYaml('web'),
    'apps/c.yaml': 'apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n',
  });
  t.false(bad.ok);
  t.regex(bad.output, /apps\/b\.yaml:1: metadata\.name: duplicate Pod\/default\/web: also defined in apps\/a\.yaml:1/);
  t.regex(bad.output, /apps\/c\.yaml:2:\d+: kind: unknown kind "Gizmo"/);
});

test('removing a manifest prunes its objects, but never objects a controller created', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web'), 'apps/db.yaml': podYaml('db') });
  if (!first.ok) return t.fail(first.output);
  await c.sync.controller.waitForResult(first.revision, 5000);
  await c.store.create(makePod('web-abc12', { owner: 'web' }));

  const second = await commitAndPush(dir, { 'apps/web.yaml': null });
  if (!second.ok) return t.fail(second.output);
  t.like(await c.sync.controller.waitForResult(second.revision, 5000), { reason: 'Succeeded', counts: { pruned: 1, unchanged: 1 } });
  t.is(await c.store.get(web), undefined);
  t.truthy(await c.store.get({ kind: 'Pod', namespace: 'default', name: 'db' }));
  t.truthy(await c.store.get({ kind: 'Pod', namespace: 'default', name: 'web-abc12' }));
});

test('an update keeps the status that controllers wrote', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') });
  if (!first.ok) return t.fail(first.output);
  await c.sync.controller.waitForResult(first.revision, 5000);
  const created = await c.store.updateStatus(web, { phase: 'Running' });
  const second = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web', 'nginx:1') });
  if (!second.ok) return t.fail(second.output);
  t.like(await c.sync.controller.waitForResult(second.revision, 5000), { counts: { configured: 1 } });
  const pod = await c.store.get(web);
  t.is(pod?.spec.containers[0]?.image, 'nginx:1');
  t.is(pod?.status?.phase, 'Running');
  t.is(pod?.metadata.uid, created.metadata.uid);
  t.is(pod?.metadata.generation, 2);
});

test('the sync status and history are served by the API', async (t) => {
  const c = await startGitCluster(t, { seedDir: 'cluster-repo' });
  const dir = await cloneRepo(t, c.pushUrl);
  const push = await commitAndPush(dir, { 'apps/extra.yaml': podYaml('extra') }, 'add extra');
  if (!push.ok) return t.fail(push.output);
  const auth = { authorization: `Bearer ${c.token}` };
  const sync = (await (await fetch(`${c.apiUrl}/minik8s/v1/sync?revision=${push.revision}&waitMs=5000`, { headers: auth })).json()) as {
    status: { lastAppliedRevision: string; inventory: string[] };
    result: { reason: string };
  };
  t.is(sync.result.reason, 'Succeeded');
  t.is(sync.status.lastAppliedRevision, push.revision);
  t.true(sync.status.inventory.includes('Pod/default/extra'));
  const history = (await (await fetch(`${c.apiUrl}/minik8s/v1/history`, { headers: auth })).json()) as {
    items: Array<{ revision: string; message: string; sync?: { reason: string } }>;
  };
  t.deepEqual(
    history.items.map((h) => h.message),
    ['add extra', 'Seed the cluster repository'],
  );
  t.is(history.items[0]?.sync?.reason, 'Succeeded');
  t.is((await fetch(`${c.apiUrl}/minik8s/v1/history`)).status, 401);
});

test('the validate endpoints check manifests, and a push only from inside the repository', async (t) => {
  const c = await startGitCluster(t);
  const headers = { authorization: `Bearer ${c.token}` };
  const files = await fetch(`${c.apiUrl}/minik8s/v1/validate`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ path: 'a.yaml', content: podYaml('a').replace('busybox:latest', '""') }] }),
  });
  t.like(await files.json(), { messages: ['a.yaml:8:14: spec.containers[0].image: Too small: expected string to have >=1 characters'] });
  const outside = await fetch(`${c.apiUrl}/minik8s/v1/validate/push`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ revision: 'a'.repeat(40), objectDirectory: '/etc', alternates: '' }),
  });
  t.is(outside.status, 400);
  t.regex(((await outside.json()) as { message: string }).message, /outside the repository/);
});
