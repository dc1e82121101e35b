import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { readCommitManifests, resolveBranch } from '../../reconciler/git/commit-reader.js';
import { gitHttpRouter } from '../../reconciler/git/git-http-router.js';
import { ensureHostedRepo } from '../../reconciler/git/hosted-repo.js';
import { GitCommandError, runGit } from '../../reconciler/git/run-git.js';

const TOKEN = 'test-token-0123456789';

async function serveRepo(t: ExecutionContext) {
  const root = await mkdtemp(join(tmpdir(), 'minik8s-repos-'));
  const gitdir = await ensureHostedRepo(root, 'cluster-repo');
  const pushes: string[] = [];
  const encodings: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    if (req.headers['content-encoding']) encodings.push(req.headers['content-encoding']);
    next();
  });
  app.use('/git', gitHttpRouter({ reposRoot: root, token: TOKEN, onPush: (repo) => pushes.push(repo) }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/git/cluster.git`;
  const work = await mkdtemp(join(tmpdir(), 'minik8s-work-'));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });
  return { gitdir, url, work, pushes, encodings, withCredentials: (password: string) => url.replace('http://', `http://minik8s:${password}@`) };
}

async function commitFile(dir: string, name: string) {
  await writeFile(join(dir, name), 'x: 1\n');
  await runGit(['add', name], { cwd: dir });
  await runGit(['-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', `add ${name}`], { cwd: dir });
}

test('the hosted repository is seeded once from cluster-repo, on branch main', async (t) => {
  const { gitdir } = await serveRepo(t);
  const first = await resolveBranch(gitdir, 'refs/heads/main');
  t.truthy(first);
  const { files } = await readCommitManifests(gitdir, first!);
  t.true(files.some((f) => f.path === 'apps/web.yaml'));
  await ensureHostedRepo(join(gitdir, '..'), 'cluster-repo');
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), first);
});

test('anyone can clone with the ordinary git client', async (t) => {
  const { url, work } = await serveRepo(t);
  await runGit(['clone', '--quiet', url, work]);
  t.true(existsSync(join(work, 'apps', 'hello.yaml')));
});

test('an anonymous push is refused', async (t) => {
  const { url, work, gitdir, pushes } = await serveRepo(t);
  await runGit(['clone', '--quiet', url, work]);
  await commitFile(work, 'a.yaml');
  const before = await resolveBranch(gitdir, 'refs/heads/main');
  const err = await t.throwsAsync(runGit(['push', 'origin', 'HEAD:main'], { cwd: work }));
  t.true(err instanceof GitCommandError);
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), before);
  t.deepEqual(pushes, []);
});

test('a push with a wrong password is refused', async (t) => {
  const { url, work, gitdir, withCredentials } = await serveRepo(t);
  await runGit(['clone', '--quiet', url, work]);
  await commitFile(work, 'a.yaml');
  const before = await resolveBranch(gitdir, 'refs/heads/main');
  await t.throwsAsync(runGit(['push', withCredentials('wrong-password-000000'), 'HEAD:main'], { cwd: work }));
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), before);
});

test('a push with the cluster token lands and is announced when it completes', async (t) => {
  const { url, work, gitdir, pushes, withCredentials } = await serveRepo(t);
  await runGit(['clone', '--quiet', url, work]);
  await commitFile(work, 'a.yaml');
  await runGit(['push', '--quiet', withCredentials(TOKEN), 'HEAD:main'], { cwd: work });
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), await runGit(['rev-parse', 'HEAD'], { cwd: work }));
  t.deepEqual(pushes, ['/cluster.git']);
});

test('a gzip-compressed request body is handled by the backend', async (t) => {
  const { url, work, gitdir, encodings, withCredentials } = await serveRepo(t);
  await runGit(['clone', '--quiet', url, work]);
  const other = `${work}-other`;
  t.teardown(() => rm(other, { recursive: true, force: true }));
  await runGit(['clone', '--quiet', url, other]);
  // Many local commits make the fetch negotiation long enough for git to gzip it.
  for (let i = 0; i < 40; i++) await commitFile(work, `f${i}.yaml`);
  await commitFile(other, 'theirs.yaml');
  await runGit(['push', '--quiet', withCredentials(TOKEN), 'HEAD:main'], { cwd: other });
  await runGit(['fetch', '--quiet', 'origin'], { cwd: work });
  t.is<string | undefined, string | undefined>(await runGit(['rev-parse', 'origin/main'], { cwd: work }), await resolveBranch(gitdir, 'refs/heads/main'));
  t.true(encodings.includes('gzip'));
});
