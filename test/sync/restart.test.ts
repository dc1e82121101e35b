import test from 'ava';
import { cloneRepo, commitAndPush, podYaml, startGitCluster } from './git-cluster.js';

const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name });

test('a restart re-applies nothing and catches up a push made while the sync was down', async (t) => {
  const c = await startGitCluster(t, { seedDir: 'cluster-repo' });
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/a.yaml': podYaml('a') });
  if (!first.ok) return t.fail(first.output);
  await c.sync.controller.waitForResult(first.revision, 5000);
  const { items: before } = await c.store.list('Pod');
  const statusBefore = await c.kv.get('/minik8s/sync/status');

  const again = await c.restart();
  await again.controller.whenIdle();
  const { items: afterRestart } = await c.store.list('Pod');
  t.deepEqual(
    afterRestart.map((p) => p.metadata.resourceVersion),
    before.map((p) => p.metadata.resourceVersion),
  );
  t.is((await c.kv.get('/minik8s/sync/status'))?.modRevision, statusBefore?.modRevision);

  await c.stopSync();
  const whileDown = await commitAndPush(dir, { 'apps/b.yaml': podYaml('b') });
  if (!whileDown.ok) return t.fail(whileDown.output);
  t.is(await c.store.get(ref('b')), undefined);

  const back = await c.restart();
  t.like(await back.controller.waitForResult(whileDown.revision, 5000), { reason: 'Succeeded', counts: { created: 1, configured: 0, pruned: 0 } });
  t.truthy(await c.store.get(ref('b')));
  t.is((await c.store.get(ref('a')))?.metadata.resourceVersion, before.find((p) => p.metadata.name === 'a')?.metadata.resourceVersion);
});

test("a push on the repository's own disk is picked up by the refs watch", async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  await commitAndPush(dir, { 'apps/a.yaml': podYaml('a') });
  const { runGit } = await import('../../reconciler/git/run-git.js');
  const gitdir = c.sync.controller.source.gitdir;
  // Push through the file system, not HTTP: no router callback announces it.
  await runGit(['commit', '--quiet', '--allow-empty', '-m', 'local'], { cwd: dir });
  await runGit(['push', '--quiet', gitdir, 'HEAD:main'], { cwd: dir });
  const revision = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
  t.like(await c.sync.controller.waitForResult(revision, 5000), { reason: 'Succeeded' });
});
