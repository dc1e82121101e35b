import { runGit, runGitRaw } from './run-git.js';

/** One blob of a commit's tree. */
export interface TreeBlob {
  path: string;
  oid: string;
}

/** The blobs of `revision` (under `paths` when given, paths from the repository's root), with git itself. */
export async function listBlobs(revision: string, env: Record<string, string>, paths: string[] = []): Promise<TreeBlob[]> {
  const out = await runGit(['ls-tree', '-r', '-z', '--full-tree', revision, ...(paths.length ? ['--', ...paths] : [])], { env });
  return out
    .split('\0')
    .filter(Boolean)
    .flatMap((line) => {
      const tab = line.indexOf('\t');
      const [, type, oid] = line.slice(0, tab).split(' ');
      return type === 'blob' && oid ? [{ oid, path: line.slice(tab + 1) }] : [];
    });
}

/** The contents of blobs, in order, from one `git cat-file --batch`. */
export async function readBlobs(oids: readonly string[], env: Record<string, string>): Promise<Buffer[]> {
  if (oids.length === 0) return [];
  const out = await runGitRaw(['cat-file', '--batch'], { env, input: `${oids.join('\n')}\n` });
  let at = 0;
  return oids.map(() => {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString('latin1').split(' ')[2]);
    const content = out.subarray(eol + 1, eol + 1 + size);
    at = eol + 1 + size + 1;
    return content;
  });
}

/** The object id of `path` (a tree or a blob) in `revision`, or undefined when the commit has no such path. */
export async function pathOid(revision: string, path: string, env: Record<string, string>): Promise<string | undefined> {
  const clean = path.replace(/\/+$/, '');
  return runGit(['rev-parse', '--verify', '--quiet', `${revision}:${clean}`], { env }).catch(() => undefined);
}
