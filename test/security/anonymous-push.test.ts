import test from 'ava';
import { resolveBranch } from '../../reconciler/git/commit-reader.js';
import { classifyGitRequest } from '../../reconciler/git/git-request.js';
import { GitCommandError, runGit, runGitRaw } from '../../reconciler/git/run-git.js';
import { commitFile, serveRepo } from '../helpers/served-repo.js';

/** A git pkt-line: four hex digits of length (themselves included), then the data. */
const pktLine = (data: string) => `${(data.length + 4).toString(16).padStart(4, '0')}${data}`;

/** The body `git push` sends to receive-pack: the ref update, a flush, then a pack of the new commits. */
async function receivePackBody(work: string, oldRev: string, newRev: string): Promise<Uint8Array<ArrayBuffer>> {
  const pack = await runGitRaw(['pack-objects', '--stdout', '--revs', '--quiet'], { cwd: work, input: `${newRev}\n^${oldRev}\n` });
  return Uint8Array.from(Buffer.concat([Buffer.from(`${pktLine(`${oldRev} ${newRev} refs/heads/main\0report-status\n`)}0000`), pack]));
}

/** A clone with one new local commit, ready to be pushed by hand. */
async function preparedPush(t: Parameters<typeof serveRepo>[0]) {
  const served = await serveRepo(t);
  await served.clone();
  await commitFile(served.work, 'intruder.yaml');
  const before = (await resolveBranch(served.gitdir, 'refs/heads/main'))!;
  const body = await receivePackBody(served.work, before, await runGit(['rev-parse', 'HEAD'], { cwd: served.work }));
  return { ...served, before, body };
}

const post = (url: string, body: Uint8Array<ArrayBuffer>) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-git-receive-pack-request', accept: 'application/x-git-receive-pack-result' } });

test('a push to a percent-encoded receive-pack path without credentials is refused and lands nothing', async (t) => {
  const { base, gitdir, before, body, pushes } = await preparedPush(t);
  for (const path of ['cluster.git/git%2Dreceive-pack', 'cluster.git/git-receive%2dpack', 'cluster.git%2Fgit-receive-pack', 'cluster.git/GIT-RECEIVE-PACK']) {
    const res = await post(`${base}/${path}`, body);
    t.true(res.status === 400 || res.status === 401, `${path} answered ${res.status}`);
  }
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), before);
  t.deepEqual(pushes, []);
});

test('a receive-pack advertisement hidden behind a second service parameter is refused', async (t) => {
  const { url } = await serveRepo(t);
  for (const query of [
    'service=git-upload-pack&service=git-receive-pack',
    'service=git-receive-pack&service=git-upload-pack',
    'service=git-upload-pack&%73ervice=git-receive-pack',
  ]) {
    const res = await fetch(`${url}/info/refs?${query}`);
    t.is(res.status, 400, query);
  }
  t.is((await fetch(`${url}/info/refs?service=git-receive-pack`)).status, 401);
  t.is((await fetch(`${url}/info/refs?service=git-upload-pack`)).status, 401);
});

test('the same hand-made push with the credentials lands: the refusals above are the router, not the request', async (t) => {
  const { url, gitdir, before, body, work } = await preparedPush(t);
  const res = await fetch(`${url}/git-receive-pack`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-git-receive-pack-request',
      authorization: `Basic ${Buffer.from('minik8s:test-token-0123456789').toString('base64')}`,
    },
  });
  t.is(res.status, 200);
  await res.arrayBuffer();
  t.not(await resolveBranch(gitdir, 'refs/heads/main'), before);
  t.is(await resolveBranch(gitdir, 'refs/heads/main'), await runGit(['rev-parse', 'HEAD'], { cwd: work }));
});

test('an ordinary anonymous git push is refused and the history is unchanged', async (t) => {
  const { work, gitdir, clone } = await serveRepo(t);
  await clone();
  await commitFile(work, 'a.yaml');
  const log = await runGit(['--git-dir', gitdir, 'log', '--format=%H', 'main']);
  const err = await t.throwsAsync(runGit(['push', 'origin', 'HEAD:main'], { cwd: work }));
  t.true(err instanceof GitCommandError);
  t.is(await runGit(['--git-dir', gitdir, 'log', '--format=%H', 'main']), log);
});

test('requests are classified on exactly what the backend will run', (t) => {
  t.like(classifyGitRequest('/cluster.git/git-receive-pack', ''), { ok: true, isPush: true });
  t.like(classifyGitRequest('/cluster.git/info/refs', 'service=git-receive-pack'), { ok: true, isPush: true, service: 'git-receive-pack' });
  t.like(classifyGitRequest('/cluster.git/info/refs', 'service=git-upload-pack'), { ok: true, isPush: false });
  t.like(classifyGitRequest('/cluster.git/git-upload-pack', ''), { ok: true, isPush: false });
  t.like(classifyGitRequest('/cluster.git/git%2Dreceive-pack', ''), { ok: false });
  t.like(classifyGitRequest('/cluster.git/info/refs', 'service=git-upload-pack&service=git-receive-pack'), { ok: false });
  t.like(classifyGitRequest('/cluster.git/info/refs', 'service=git%2Dreceive-pack'), { ok: true, isPush: true });
  t.like(classifyGitRequest('/cluster.git/info/refs', 'service=other'), { ok: false });
});
