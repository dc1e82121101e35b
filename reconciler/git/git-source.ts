import { resolveBranch } from './commit-reader.js';

/** Where the sync reads commits from: the hosted repository, or a local mirror of an external remote. */
export interface GitSource {
  readonly info: { type: 'hosted' | 'remote'; url: string; branch: string };
  /** The bare repository holding the commits. */
  readonly gitdir: string;
  /** The ref that holds the branch's latest commit in `gitdir`. */
  readonly ref: string;
  /** Brings `gitdir` up to date (a fetch, for a remote) and returns the branch's commit, if any. */
  latestRevision(): Promise<string | undefined>;
  /** How often to look again when nothing announces new commits. */
  readonly pollIntervalMs: number;
}

/** The hosted repository: pushes land in it directly, so reading the branch is enough. */
export function hostedSource(gitdir: string, url: string, branch = 'main'): GitSource {
  const ref = `refs/heads/${branch}`;
  return {
    info: { type: 'hosted', url, branch },
    gitdir,
    ref,
    latestRevision: () => resolveBranch(gitdir, ref),
    // Pushes announce themselves (router callback, refs watch); this is only a backstop.
    pollIntervalMs: 5 * 60_000,
  };
}
