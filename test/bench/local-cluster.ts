/**
 * What the end-to-end benches share: the local cluster `npm start` brought up (its config in
 * $MINIK8S_HOME/cluster.json), a clone of its repository, and a watch that timestamps pods turning Running.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify as toYaml } from 'yaml';
import { ApiClient } from '../../common/client/api-client.js';
import { type ClusterConfig, clusterConfigPath, GIT_USER, readClusterCa, readClusterConfig } from '../../common/config/cluster-config.js';
import type { Pod } from '../../common/schema/index.js';
import { runGit } from '../../reconciler/git/run-git.js';

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
export const ms = (x: number) => `${x.toFixed(0)} ms`;

export const benchPodYaml = (name: string, labels: Record<string, string> = {}) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'pods', ...labels } },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] }] },
  });

/** In the store (synced from Git), bound to a node, Running on it, or deleted. */
export type PodMilestone = 'stored' | 'bound' | 'Running' | 'gone';

const reached = (e: { type: string; object: Pod }): PodMilestone[] =>
  e.type === 'DELETED'
    ? ['gone']
    : ['stored' as const, ...(e.object.spec.nodeName ? (['bound'] as const) : []), ...(e.object.status?.phase === 'Running' ? (['Running'] as const) : [])];

export interface LocalCluster {
  config: ClusterConfig;
  client: ApiClient;
  /** Writes (null: removes) files under bench/, commits and pushes; resolves when the push returns. */
  push(files: Record<string, string | null>, message: string): Promise<void>;
  /** Resolves with performance.now() at the moment the watch first shows each named pod in `state`. */
  when(names: string[], state: PodMilestone): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** Without a running local cluster a bench can do nothing: it says in one line what to start, and exits. */
function needCluster(why: string): never {
  process.stderr.write(`this needs the local cluster, and ${why}: start it first with npm start (NODES=3 npm start for three nodes)\n`);
  process.exit(2);
}

/** Connects to the local cluster, or says in one line that it is not up and what to start. */
export async function connectLocalCluster(): Promise<LocalCluster> {
  let config: ClusterConfig;
  let client: ApiClient;
  let nodes: number;
  if (!existsSync(clusterConfigPath())) needCluster(`${clusterConfigPath()} does not exist`);
  try {
    config = readClusterConfig();
    client = new ApiClient({ baseUrl: config.apiUrl, token: config.token, ca: readClusterCa(config) });
  } catch (err) {
    needCluster(`its config cannot be used (${(err as Error).message})`);
  }
  // git here talks only to this cluster, and a GIT_SSL_CAINFO inherited from the environment would
  // override every http.sslCAInfo given on the command line or in the clone's config.
  process.env.GIT_SSL_CAINFO = config.caFile;
  try {
    nodes = (await client.list('Node')).items.length;
  } catch (err) {
    needCluster(`its API at ${config.apiUrl} does not answer: ${(err as Error).message}`);
  }
  if (nodes === 0) needCluster('it has no nodes');
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-bench-'));
  const url = config.gitUrl.replace('://', `://${GIT_USER}:${config.token}@`);
  await runGit(['clone', '--quiet', url, dir]);
  await runGit(['config', 'user.name', 'bench'], { cwd: dir });
  await runGit(['config', 'user.email', 'bench@localhost'], { cwd: dir });

  const abort = new AbortController();
  const waiters: Array<{ names: Set<string>; state: PodMilestone; seen: Map<string, number>; done: (m: Map<string, number>) => void }> = [];
  const list = await client.list('Pod', { namespace: 'default' });
  void (async () => {
    try {
      for await (const e of client.watch('Pod', { namespace: 'default', resourceVersion: list.resourceVersion }, abort.signal)) {
        const at = performance.now();
        const name = e.object.metadata.name;
        const states = reached(e as { type: string; object: Pod });
        for (const w of waiters) {
          if (!w.names.has(name) || w.seen.has(name)) continue;
          if (states.includes(w.state)) w.seen.set(name, at);
          if (w.seen.size === w.names.size) w.done(w.seen);
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();

  return {
    config,
    client,
    async push(files, message) {
      for (const [path, content] of Object.entries(files)) {
        const file = join(dir, 'bench', path);
        if (content === null) await rm(file, { force: true });
        else {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      }
      await runGit(['add', '--all'], { cwd: dir });
      // Removing what a crashed earlier run never added changes nothing: nothing to commit or push.
      if (
        await runGit(['diff', '--cached', '--quiet'], { cwd: dir }).then(
          () => true,
          () => false,
        )
      )
        return;
      await runGit(['commit', '--quiet', '-m', message], { cwd: dir });
      await runGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: dir });
    },
    when(names, state) {
      return new Promise((done) => waiters.push({ names: new Set(names), state, seen: new Map(), done }));
    },
    async close() {
      abort.abort();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Time of one `docker run -d` (create + start, returns once running) on a node's own dockerd. */
export async function bareDockerRun(socket: string, name: string): Promise<number> {
  const t0 = performance.now();
  await run('docker', ['-H', `unix://${socket}`, 'run', '-d', '--rm', '--name', name, '--network', 'none', 'busybox:latest', 'sleep', '3600']);
  const took = performance.now() - t0;
  await run('docker', ['-H', `unix://${socket}`, 'rm', '-f', name]);
  return took;
}

/** Runs a command; resolves with its stdout, rejects with its stderr. */
export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err.trim()}`))));
  });
}
