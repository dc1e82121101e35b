import fs from 'node:fs';
import git, { type ReadCommitResult } from 'isomorphic-git';
import { REPLACED_REFS_PREFIX } from './pre-receive-hook.js';

export interface HistoryCommit {
  commit: ReadCommitResult;
  /** Not on the branch any more: a force push replaced it (its tip is kept under refs/minik8s/replaced/). */
  replaced: boolean;
}

/**
 * The branch's latest commits, newest first, with those an allowed force push replaced merged in by
 * commit time: history the cluster was synced from is never lost from view.
 */
export async function readCommitHistory(gitdir: string, ref: string, depth = 200): Promise<HistoryCommit[]> {
  const log = (r: string) => git.log({ fs, gitdir, ref: r, depth }).catch(() => [] as ReadCommitResult[]);
  const onBranch = await log(ref);
  const seen = new Set(onBranch.map((c) => c.oid));
  const replaced: HistoryCommit[] = [];
  const tips = await git.listRefs({ fs, gitdir, filepath: REPLACED_REFS_PREFIX.replace(/\/$/, '') }).catch(() => [] as string[]);
  for (const tip of tips)
    for (const commit of await log(`${REPLACED_REFS_PREFIX}${tip}`)) {
      if (seen.has(commit.oid)) continue;
      seen.add(commit.oid);
      replaced.push({ commit, replaced: true });
    }
  return [...onBranch.map((commit) => ({ commit, replaced: false })), ...replaced]
    .sort((a, b) => b.commit.commit.committer.timestamp - a.commit.commit.committer.timestamp)
    .slice(0, depth);
}
