import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionContext } from 'ava';
import express from 'express';
import type { ClusterConfig } from '../../common/config/cluster-config.js';
import { gitHttpRouter } from '../../reconciler/git/git-http-router.js';
import { ensureHostedRepo, HOSTED_REPO_NAME } from '../../reconciler/git/hosted-repo.js';
import { GitCommandError, runGit } from '../../reconciler/git/run-git.js';
import type { KV } from '../../reconciler/store/kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { type GitSync, startGitSync } from '../../reconciler/sync/start-git-sync.js';
import { testEtcdKV, uniquePrefix } from '../helpers/etcd.js';
import { testSecurityConfig } from '../helpers/pki.js';

/** A control plane's Git side on a real etcd and a real HTTP server: what the sync tests push to. */
export interface GitCluster {
  home: string;
  apiUrl: string;
  gitUrl: string;
  /** The git URL with the push credentials in it. */
  pushUrl: string;
  token: string;
  kv: KV;
  store: ObjectStore;
  sync: GitSync;
  /** Stops the sync (as a control plane going down); the HTTP server and repository stay. */
  restart(): Promise<GitSync>;
  stopSync(): Promise<void>;
}

export interface GitClusterOptions {
  seedDir?: string;
  remote?: ClusterConfig['remote'];
  etcdPrefix?: string;
  home?: string;
  allowForcePush?: boolean;
  /** Wraps the test etcd's KV (to inject a store fault). */
  wrapKV?: (kv: KV) => KV;
}

export async function startGitCluster(t: ExecutionContext, opts: GitClusterOptions = {}): Promise<GitCluster> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'minik8s-git-')));
  const token = randomBytes(16).toString('hex');
  const etcd = testEtcdKV(t, opts.etcdPrefix ?? uniquePrefix());
  const kv = opts.wrapKV?.(etcd) ?? etcd;
  const store = new ObjectStore(kv);
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${port}`;
  const gitUrl = `${apiUrl}/git/cluster.git`;

  let current: GitSync | undefined;
  const start = async () => {
    current = await startGitSync({
      store,
      kv,
      home,
      token,
      gitUrl,
      apiUrlForHooks: apiUrl,
      caFile: testSecurityConfig().caFile,
      ...(opts.seedDir && { repoSeedDir: opts.seedDir }),
      ...(opts.remote && { remote: opts.remote }),
      ...(opts.allowForcePush && { allowForcePush: true }),
    });
    return current;
  };
  // Routes resolve through `current`, so a restarted sync serves the same URLs.
  app.use('/git', (req, res, next) => current!.gitRouter(req, res, next));
  app.use((req, res, next) => {
    if (req.headers.authorization !== `Bearer ${token}`) return void res.status(401).json({ message: 'unauthorized' });
    current!.syncRouter(req, res, next);
  });
  const sync = await start();
  t.teardown(async () => {
    await current?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (!opts.home) await rm(home, { recursive: true, force: true });
  });
  return {
    home,
    apiUrl,
    gitUrl,
    pushUrl: gitUrl.replace('http://', `http://minik8s:${token}@`),
    token,
    kv,
    store,
    sync,
    async restart() {
      await current?.stop();
      return start();
    },
    async stopSync() {
      await current?.stop();
    },
  };
}

/** A plain bare repository (no hooks, no sync) served by the same Git HTTP router: an "external" remote. */
export async function servePlainRepo(t: ExecutionContext): Promise<{ url: string; pushUrl: string; gitdir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'minik8s-plain-'));
  const gitdir = await ensureHostedRepo(root);
  const token = randomBytes(16).toString('hex');
  const server = express()
    .use('/git', gitHttpRouter({ reposRoot: root, token }))
    .listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/git/${HOSTED_REPO_NAME}`;
  return { url, pushUrl: url.replace('http://', `http://minik8s:${token}@`), gitdir };
}

/** A work tree cloned with the ordinary git client, removed when the test ends. */
export async function cloneRepo(t: ExecutionContext, url: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-clone-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await runGit(['clone', '--quiet', url, dir]);
  await runGit(['config', 'user.name', 'Test'], { cwd: dir });
  await runGit(['config', 'user.email', 'test@localhost'], { cwd: dir });
  return dir;
}

export type PushResult = { ok: true; revision: string; output: string } | { ok: false; output: string };

/** Writes (or, for null, removes) files, commits them and pushes; returns git's output either way. */
export async function commitAndPush(dir: string, files: Record<string, string | null>, message = 'change'): Promise<PushResult> {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) await runGit(['rm', '--quiet', path], { cwd: dir });
    else {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
      await runGit(['add', path], { cwd: dir });
    }
  }
  await runGit(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: dir });
  try {
    const output = await runGit(['push', '--porcelain', 'origin', 'HEAD:main'], { cwd: dir });
    return { ok: true, revision: await runGit(['rev-parse', 'HEAD'], { cwd: dir }), output };
  } catch (err) {
    if (err instanceof GitCommandError) return { ok: false, output: err.stderr };
    throw err;
  }
}

export const podYaml = (name: string, image = 'busybox:latest') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: main
      image: ${image}
`;
