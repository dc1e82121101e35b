import fs from 'node:fs';
import git from 'isomorphic-git';

/** One manifest file as it is in a commit. */
export interface ManifestFile {
  path: string;
  content: string;
}

/** What a commit holds for the sync: its id and every `*.yaml` / `*.yml` file in it. */
export interface CommitManifests {
  revision: string;
  files: ManifestFile[];
}

export const isManifestPath = (path: string): boolean => /\.ya?ml$/i.test(path);

/**
 * Reads the manifests of one commit straight from a repository's object store (no work tree),
 * so a sync sees exactly what was pushed, even while another push is arriving.
 * `cache` lets repeated reads share parsed pack indexes.
 */
export async function readCommitManifests(gitdir: string, revision: string, cache: object = {}): Promise<CommitManifests> {
  const { commit } = await git.readCommit({ fs, gitdir, oid: revision, cache });
  const files: ManifestFile[] = [];
  const readDir = async (treeOid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir, oid: treeOid, cache });
    await Promise.all(
      tree.map(async (entry) => {
        const path = prefix + entry.path;
        if (entry.type === 'tree') return readDir(entry.oid, `${path}/`);
        if (entry.type !== 'blob' || !isManifestPath(path)) return;
        const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
        files.push({ path, content: Buffer.from(blob).toString('utf8') });
      }),
    );
  };
  await readDir(commit.tree, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { revision, files };
}

/** The commit a branch points at, or undefined while the repository has none. */
export async function resolveBranch(gitdir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return undefined;
    throw err;
  }
}
