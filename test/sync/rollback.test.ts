import test from 'ava';
import { cloneRepo, commitAndPush, podYaml, startGitCluster } from './git-cluster.js';

const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name });

test('rollback commits a revert to an earlier revision and syncs it', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const r1 = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') }, 'web');
  const r2 = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web', 'nginx:1'), 'apps/db.yaml': podYaml('db') }, 'web on nginx, db');
  if (!r1.ok || !r2.ok) return t.fail('push failed');
  await c.sync.controller.waitForResult(r2.revision, 5000);

  const res = await fetch(`${c.apiUrl}/minik8s/v1/rollback`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ revision: r1.revision.slice(0, 8) }),
  });
  t.is(res.status, 201);
  const { revision } = (await res.json()) as { revision: string };
  t.like(await c.sync.controller.waitForResult(revision, 5000), { reason: 'Succeeded', counts: { configured: 1, pruned: 1 } });
  t.is((await c.store.get(ref('web')))?.spec.containers[0]?.image, 'busybox:latest');
  t.is(await c.store.get(ref('db')), undefined);

  const history = (await (await fetch(`${c.apiUrl}/minik8s/v1/history`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as {
    items: Array<{ message: string }>;
  };
  t.regex(history.items[0]?.message ?? '', /^rollback: to [0-9a-f]{12}$/);
});

test('rollback to an unknown revision is a 400 with a plain message', async (t) => {
  const c = await startGitCluster(t, { seedDir: 'cluster-repo' });
  const res = await fetch(`${c.apiUrl}/minik8s/v1/rollback`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ revision: 'deadbeef' }),
  });
  t.is(res.status, 400);
  t.deepEqual(await res.json(), { message: 'unknown revision "deadbeef"' });
});
