import test from 'ava';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import { runGit } from '../../reconciler/git/run-git.js';
import type { HistoryEntry } from '../../reconciler/sync/sync-types.js';
import { cloneRepo, commitAndPush, type GitCluster, podYaml, startGitCluster } from '../sync/git-cluster.js';

const branchLog = (c: GitCluster) => runGit(['--git-dir', c.sync.controller.source.gitdir, 'log', '--format=%H', 'main']);

async function history(c: GitCluster): Promise<HistoryEntry[]> {
  const res = await fetch(`${c.apiUrl}${MINIK8S_API}/history`, { headers: { authorization: `Bearer ${c.token}` } });
  return ((await res.json()) as { items: HistoryEntry[] }).items;
}

/** Two pushed commits, then the work tree rewound to the first with a different commit on top: a push of it is a force push. */
async function rewrittenClone(t: Parameters<typeof startGitCluster>[0], c: GitCluster) {
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/a.yaml': podYaml('a') }, 'add a');
  const second = await commitAndPush(dir, { 'apps/b.yaml': podYaml('b') }, 'add b');
  if (!first.ok || !second.ok) throw new Error('setup pushes failed');
  await c.sync.controller.waitForResult(second.revision, 5000);
  await runGit(['reset', '--quiet', '--hard', first.revision], { cwd: dir });
  await runGit(['commit', '--quiet', '--allow-empty', '-m', 'rewritten'], { cwd: dir });
  return { dir, second };
}

test('a force push to the synced branch is refused by default, and the history is unchanged', async (t) => {
  const c = await startGitCluster(t);
  const { dir, second } = await rewrittenClone(t, c);
  const before = await branchLog(c);
  const err = await t.throwsAsync(runGit(['push', '--force', 'origin', 'HEAD:main'], { cwd: dir }));
  t.regex(err?.message ?? '', /non-fast-forward update refused/);
  t.is(await branchLog(c), before);
  t.is(await c.sync.controller.source.latestRevision(), second.revision);
  t.truthy(await c.store.get({ kind: 'Pod', namespace: 'default', name: 'b' }));
});

test('a cluster that allows force pushes takes one, and mkctl history still lists the replaced commits', async (t) => {
  const c = await startGitCluster(t, { allowForcePush: true });
  const { dir, second } = await rewrittenClone(t, c);
  await runGit(['push', '--quiet', '--force', 'origin', 'HEAD:main'], { cwd: dir });
  const forced = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
  t.is(await c.sync.controller.source.latestRevision(), forced);
  const entries = await history(c);
  t.like(
    entries.find((e) => e.revision === forced),
    { message: 'rewritten' },
  );
  t.like(
    entries.find((e) => e.revision === second.revision),
    { message: 'add b', replaced: true, sync: { reason: 'Succeeded' } },
  );
});
