import { MINIK8S_COMMITTER, runGit } from './run-git.js';

/**
 * Commits, on top of the branch, a revert of the whole tree to `revision`'s: history is kept and the
 * rollback is itself a commit that can be rolled back. The ref moves only if no push came in between.
 */
export async function commitRollback(gitdir: string, ref: string, revision: string): Promise<string> {
  const git = (args: string[]) => runGit(['--git-dir', gitdir, ...args], { env: MINIK8S_COMMITTER });
  const target = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]).catch(() => {
    throw new Error(`unknown revision "${revision}"`);
  });
  const head = await git(['rev-parse', '--verify', ref]);
  const tree = await git(['rev-parse', `${target}^{tree}`]);
  const commit = await git(['commit-tree', tree, '-p', head, '-m', `rollback: to ${target.slice(0, 12)}`]);
  await git(['update-ref', ref, commit, head]);
  return commit;
}
