import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isManifestPath } from '../../reconciler/git/commit-reader.js';

/** The manifest files `-f` names: one file, or every *.yaml / *.yml under a directory, with the repository path each gets. */
export async function readManifestArg(path: string): Promise<Array<{ path: string; repoPath: string; content: string }>> {
  const info = await stat(path).catch(() => {
    throw new Error(`${path}: no such file or directory`);
  });
  const files = info.isDirectory()
    ? (await readdir(path, { recursive: true }))
        .filter(isManifestPath)
        .sort()
        .map((f) => ({ path: join(path, f), repoPath: `apps/${basename(path)}/${f}` }))
    : [{ path, repoPath: `apps/${basename(path)}` }];
  return Promise.all(files.map(async (f) => ({ ...f, content: await readFile(f.path, 'utf8') })));
}
