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

test('the ordinary git client clones with the cluster credential, and not without it', async (t) => {
  const { url, work, withCredentials } = await serveRepo(t);
  const refused = await t.throwsAsync(runGit(['clone', '--quiet', url, `${work}-anonymous`]));
  // git asks for the credential the 401 calls for, and gets none.
  t.regex((refused as GitCommandError).stderr, /could not read Username/);
  t.false(existsSync(`${work}-anonymous`));
  await t.throwsAsync(runGit(['clone', '--quiet', withCredentials('wrong-password-000000'), `${work}-wrong`]));
  t.is((await fetch(`${url}/info/refs?service=git-upload-pack`)).status, 401);
  await runGit(['clone', '--quiet', withCredentials(TOKEN), work]);
  t.true(existsSync(join(work, 'apps', 'hello.yaml')));
});

test('an anonymous push is refused', async (t) => {
  const { work, gitdir, pushes, clone } = await serveRepo(t);
  await clone();
  await commitFile(work, 'a.yaml');
  const before = await resolveBranch(gitdir, 'refs/heads/main');
  const err = await t.throwsAsync(runGit(['push', 'origin', 'HEAD:main'], { cwd: work }));
  t.true(err instanceof GitCommandError);
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), before);
  t.deepEqual(pushes, []);
});

test('a push with a wrong password is refused', async (t) => {
  const { work, gitdir, withCredentials, clone } = await serveRepo(t);
  await clone();
  await commitFile(work, 'a.yaml');
  const before = await resolveBranch(gitdir, 'refs/heads/main');
  await t.throwsAsync(runGit(['push', withCredentials('wrong-password-000000'), 'HEAD:main'], { cwd: work }));
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), before);
});

test('a push with the cluster token lands and is announced when it completes', async (t) => {
  const { work, gitdir, pushes, withCredentials, clone } = await serveRepo(t);
  await clone();
  await commitFile(work, 'a.yaml');
  await runGit(['push', '--quiet', withCredentials(TOKEN), 'HEAD:main'], { cwd: work });
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), await runGit(['rev-parse', 'HEAD'], { cwd: work }));
  t.deepEqual(pushes, ['/cluster.git']);
});

test('a gzip-compressed request body is handled by the backend', async (t) => {
  const { work, gitdir, encodings, withCredentials } = await serveRepo(t);
  // Origins that keep the credential: the fetch below reads with it.
  await runGit(['clone', '--quiet', withCredentials(TOKEN), work]);
  const other = `${work}-other`;
  t.teardown(() => rm(other, { recursive: true, force: true }));
  await runGit(['clone', '--quiet', withCredentials(TOKEN), other]);
  // Many local commits make the fetch negotiation long enough for git to gzip it.
  for (let i = 0; i < 40; i++) await commitFile(work, `f${i}.yaml`);
  await commitFile(other, 'theirs.yaml');
  await runGit(['push', '--quiet', withCredentials(TOKEN), 'HEAD:main'], { cwd: other });
  await runGit(['fetch', '--quiet', 'origin'], { cwd: work });
  t.is<string | undefined, string | undefined>(await runGit(['rev-parse', 'origin/main'], { cwd: work }), await resolveBranch(gitdir, 'refs/heads/main'));
  t.true(encodings.includes('gzip'));
});
