import { posix } from 'node:path';
import { listBlobs, pathOid, readBlobs } from '../git/tree-files.js';

/** A function's code at one commit: the source's object id and its files, paths relative to the source folder. */
export interface FunctionSource {
  revision: string;
  /** The tree (folder) or blob (file) id of `spec.source`: unchanged code keeps it across commits. */
  oid: string;
  files: { path: string; content: Buffer }[];
}

/** `spec.source` as git names it: no trailing slash. */
function clean(source: string): string {
  return source.replace(/\/+$/, '');
}

/**
 * Reads `source` (a file or a folder) of `revision` with git (`env` names the repository, and for a push under
 * validation its quarantine). Undefined when the commit has no such path.
 */
export async function readFunctionSource(revision: string, source: string, env: Record<string, string>): Promise<FunctionSource | undefined> {
  const path = clean(source);
  const oid = await pathOid(revision, path, env);
  if (!oid) return undefined;
  const blobs = await listBlobs(revision, env, [path]);
  const inside = blobs.filter((b) => b.path === path || b.path.startsWith(`${path}/`));
  const contents = await readBlobs(
    inside.map((b) => b.oid),
    env,
  );
  const base = inside.length === 1 && inside[0]!.path === path ? posix.dirname(path) : path;
  return { revision, oid, files: inside.map((b, i) => ({ path: posix.relative(base, b.path), content: contents[i]! })) };
}

/** Only the source's object id (cheap: one `git rev-parse`), to tell whether the code changed. */
export function functionSourceOid(revision: string, source: string, env: Record<string, string>): Promise<string | undefined> {
  return pathOid(revision, clean(source), env);
}
