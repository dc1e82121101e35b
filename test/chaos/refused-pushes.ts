/**
 * The pushes the cluster must refuse, made against the local cluster's repository: each resolves with
 * whether it was refused and the branch stayed where it was.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { GIT_USER, readClusterCa, readClusterConfig } from '../../common/config/cluster-config.js';
import { runGit, runGitRaw } from '../../reconciler/git/run-git.js';

const config = () => readClusterConfig();
// git trusts the cluster CA through GIT_SSL_CAINFO (connectLocalCluster sets it), fetch through a dispatcher.
const trustingCa = () => new Agent({ connect: { ca: readClusterCa(config()) } });
const withCredentials = (url: string) => url.replace('://', `://${GIT_USER}:${config().token}@`);
const remoteHead = async () => (await runGit(['ls-remote', withCredentials(config().gitUrl), 'refs/heads/main'])).split('\t')[0]!;

/** A fresh clone with one local commit of `file` (`size` bytes of a valid ConfigMap-like manifest). */
async function cloneWithCommit(file: string, content: string): Promise<{ dir: string; head: string; before: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-chaos-push-'));
  await runGit(['clone', '--quiet', withCredentials(config().gitUrl), dir]);
  await runGit(['config', 'user.name', 'chaos'], { cwd: dir });
  await runGit(['config', 'user.email', 'chaos@localhost'], { cwd: dir });
  const before = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
  await writeFile(join(dir, file), content);
  await runGit(['add', file], { cwd: dir });
  await runGit(['commit', '--quiet', '-m', `chaos: ${file}`], { cwd: dir });
  return { dir, head: await runGit(['rev-parse', 'HEAD'], { cwd: dir }), before };
}

const refusedAndUnchanged = async (push: Promise<unknown>, before: string) => {
  const refused = await push.then(
    () => false,
    () => true,
  );
  return refused && (await remoteHead()) === before;
};

/** A valid manifest of ~20 MB (one huge label-free annotation): refused at pre-receive, nothing lands. */
export async function oversizedPush(): Promise<boolean> {
  const big = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: chaos-big',
    '  annotations:',
    `    blob: "${'x'.repeat(20 * 1024 * 1024)}"`,
    'spec:',
    '  containers:',
    '    - name: main',
    '      image: busybox:latest',
    '',
  ].join('\n');
  const { dir, before } = await cloneWithCommit('chaos-big.yaml', big);
  try {
    const refused = await refusedAndUnchanged(runGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: dir }), before);
    if (!refused) {
      await runGit(['rm', '--quiet', 'chaos-big.yaml'], { cwd: dir });
      await runGit(['commit', '--quiet', '-m', 'chaos: remove chaos-big'], { cwd: dir });
      await runGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: dir });
    }
    return refused;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rewriting the synced branch's last commit and force-pushing: refused, history kept. */
export async function forcePush(): Promise<boolean> {
  const { dir, before } = await cloneWithCommit('chaos-force.txt', 'not a manifest\n');
  try {
    await runGit(['reset', '--quiet', '--hard', 'HEAD~2'], { cwd: dir });
    await runGit(['commit', '--quiet', '--allow-empty', '-m', 'chaos: rewritten history'], { cwd: dir });
    const refused = await refusedAndUnchanged(runGit(['push', '--quiet', '--force', 'origin', 'HEAD:main'], { cwd: dir }), before);
    // Accepted (the refusal missing): put the history back as it was.
    if (!refused) await runGit(['push', '--quiet', '--force', 'origin', `${before}:main`], { cwd: dir });
    return refused;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pktLine = (data: string) => `${(data.length + 4).toString(16).padStart(4, '0')}${data}`;

/** A hand-made receive-pack request without credentials on a percent-encoded path: refused, nothing lands. */
export async function bypassPush(): Promise<boolean> {
  const { dir, head, before } = await cloneWithCommit('chaos-bypass.txt', 'not a manifest\n');
  try {
    const pack = await runGitRaw(['pack-objects', '--stdout', '--revs', '--quiet'], { cwd: dir, input: `${head}\n^${before}\n` });
    const body = Buffer.concat([Buffer.from(`${pktLine(`${before} ${head} refs/heads/main\0report-status\n`)}0000`), pack]);
    const answers = await Promise.all(
      ['git%2Dreceive-pack', 'info/refs?service=git-upload-pack&service=git-receive-pack'].map((path) =>
        fetch(`${config().gitUrl}/${path}`, {
          method: path.startsWith('info') ? 'GET' : 'POST',
          ...(path.startsWith('info') ? {} : { body: Uint8Array.from(body) }),
          headers: { 'content-type': 'application/x-git-receive-pack-request' },
          dispatcher: trustingCa(),
        } as RequestInit).then((r) => r.status),
      ),
    );
    return answers.every((s) => s >= 400) && (await remoteHead()) === before;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
