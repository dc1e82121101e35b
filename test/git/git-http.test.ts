import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { readCommitManifests, resolveBranch } from '../../reconciler/git/commit-reader.js';
import { ensureHostedRepo } from '../../reconciler/git/hosted-repo.js';
import { GitCommandError, runGit } from '../../reconciler/git/run-git.js';
import { commitFile, serveRepo, GIT_TEST_TOKEN as TOKEN } from '../helpers/served-repo.js';

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
