import { isAbsolute, relative, resolve } from 'node:path';
import { isManifestPath, type ManifestFile } from './commit-reader.js';
import { listBlobs, readBlobs } from './tree-files.js';

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

/** The environment in which git sees a push under validation: the repository plus its quarantine directories. */
export function quarantineEnv(gitdir: string, quarantine: Quarantine): Record<string, string> {
  const alternates = quarantine.alternates.split(':').filter(Boolean);
  for (const dir of [quarantine.objectDirectory, ...alternates]) assertInside(gitdir, dir);
  return {
    GIT_DIR: gitdir,
    GIT_OBJECT_DIRECTORY: resolve(gitdir, quarantine.objectDirectory),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates.map((d) => resolve(gitdir, d)).join(':'),
  };
}

/**
 * Reads the manifests of a commit that is still being pushed, with git itself: the new objects are
 * only visible through the quarantine environment, which isomorphic-git does not understand.
 */
export async function readPushedManifests(gitdir: string, revision: string, quarantine: Quarantine): Promise<ManifestFile[]> {
  const env = quarantineEnv(gitdir, quarantine);
  const entries = (await listBlobs(revision, env)).filter((e) => isManifestPath(e.path));
  const contents = await readBlobs(
    entries.map((e) => e.oid),
    env,
  );
  return entries.map((e, i) => ({ path: e.path, content: contents[i]!.toString('utf8') }));
}
