import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import express from 'express';
import { gitHttpRouter } from '../../reconciler/git/git-http-router.js';
import { ensureHostedRepo } from '../../reconciler/git/hosted-repo.js';
import { runGit } from '../../reconciler/git/run-git.js';

export const GIT_TEST_TOKEN = 'test-token-0123456789';

/** The hosted repository (seeded from cluster-repo) behind the real Git HTTP router, with a scratch work dir. */
export async function serveRepo(t: ExecutionContext) {
  const root = await mkdtemp(join(tmpdir(), 'minik8s-repos-'));
  const gitdir = await ensureHostedRepo(root, 'cluster-repo');
  const pushes: string[] = [];
  const encodings: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    if (req.headers['content-encoding']) encodings.push(req.headers['content-encoding']);
    next();
  });
  app.use('/git', gitHttpRouter({ reposRoot: root, token: GIT_TEST_TOKEN, onPush: (repo) => pushes.push(repo) }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/git`;
  const url = `${base}/cluster.git`;
  const work = await mkdtemp(join(tmpdir(), 'minik8s-work-'));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });
  const withCredentials = (password: string) => url.replace('http://', `http://minik8s:${password}@`);
  /** Clones with the credential, leaving an origin without it: what pushes from `dir` present is up to the test. */
  const clone = async (dir = work) => {
    await runGit(['clone', '--quiet', withCredentials(GIT_TEST_TOKEN), dir]);
    await runGit(['remote', 'set-url', 'origin', url], { cwd: dir });
  };
  return { gitdir, base, url, work, pushes, encodings, withCredentials, clone };
}

/** Writes a one-line YAML file and commits it in a work tree. */
export async function commitFile(dir: string, name: string): Promise<void> {
  await writeFile(join(dir, name), 'x: 1\n');
  await runGit(['add', name], { cwd: dir });
  await runGit(['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', `add ${name}`], { cwd: dir });
}
