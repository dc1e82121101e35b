import { isAbsolute, relative, resolve } from 'node:path';
import { type ManifestFile, isManifestPath } from './commit-reader.js';
import { runGit, runGitRaw } from './run-git.js';

/** Where a push under validation keeps its new objects: git's quarantine directories, as the pre-receive hook sees them. */
export interface Quarantine {
  objectDirectory: string;
  alternates: string;
}

/** The quarantine named is not the repository's own: the request is refused. */
export class QuarantineError extends Error {
  override name = 'QuarantineError';
}

/** The quarantine is only ever a directory of the repository's own object store. */
function assertInside(gitdir: string, dir: string): void {
  const rel = relative(resolve(gitdir, 'objects'), resolve(gitdir, dir));
  if (rel.startsWith('..') || isAbsolute(rel)) throw new QuarantineError(`object directory ${dir} is outside the repository`);
}

/**
 * Reads the manifests of a commit that is still being pushed, with git itself: the new objects are
 * only visible through the quarantine environment, which isomorphic-git does not understand.
 */
export async function readPushedManifests(gitdir: string, revision: string, quarantine: Quarantine): Promise<ManifestFile[]> {
  const alternates = quarantine.alternates.split(':').filter(Boolean);
  for (const dir of [quarantine.objectDirectory, ...alternates]) assertInside(gitdir, dir);
  const env = { GIT_DIR: gitdir, GIT_OBJECT_DIRECTORY: resolve(gitdir, quarantine.objectDirectory), GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates.map((d) => resolve(gitdir, d)).join(':') };
  const entries = (await runGit(['ls-tree', '-r', '-z', '--full-tree', revision], { env }))
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, oid] = line.slice(0, tab).split(' ');
      return { type, oid: oid ?? '', path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && isManifestPath(e.path));
  if (entries.length === 0) return [];
  const out = await runGitRaw(['cat-file', '--batch'], { env, input: `${entries.map((e) => e.oid).join('\n')}\n` });
  let at = 0;
  return entries.map((e) => {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString('latin1').split(' ')[2]);
    const content = out.subarray(eol + 1, eol + 1 + size).toString('utf8');
    at = eol + 1 + size + 1;
    return { path: e.path, content };
  });
}
