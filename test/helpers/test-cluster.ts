import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ExecutionContext } from 'ava';
import Docker from 'dockerode';
import { stringify as toYaml } from 'yaml';
import type { ApiClient } from '../../common/client/api-client.js';
import { execInPod, podLogs } from '../../common/client/pod-streams.js';
import type { ClusterConfig } from '../../common/config/cluster-config.js';
import type { Node } from '../../common/schema/index.js';
import { nodeNet } from '../../node-agent/host/node-net.js';
import { ROUTE_PROTO } from '../../node-agent/network/pod-network-controller.js';
import type { ControlPlaneOptions } from '../../reconciler/control-plane.js';
import { cloneRepo, commitAndPush, type PushResult } from '../sync/git-cluster.js';
import { startTestControlPlane } from './control-plane.js';
import { testNodeCertFiles } from './pki.js';

/** The control plane as the test nodes' namespaces see it: the host's side of bridge mk8s0. */
const BRIDGE_IP = '10.100.0.1';
const REPO = new URL('../..', import.meta.url).pathname;

export interface TestClusterNode {
  name: string;
  ip: string;
  /** Its network namespace, e.g. /run/netns/mk8s-test-2. */
  netns: string;
  dockerSocket: string;
  docker: Docker;
}

/** The test nodes the harness started (MINIK8S_TEST_NODES), or none when Docker-based tests cannot run. */
export function testNodes(): TestClusterNode[] {
  return (process.env.MINIK8S_TEST_NODES ?? '')
    .split(' ')
    .filter(Boolean)
    .map((entry) => {
      const [name, ip, netns, dockerSocket] = entry.split(',') as [string, string, string, string];
      return { name, ip, netns, dockerSocket, docker: new Docker({ socketPath: dockerSocket }) };
    });
}

/**
 * Holds an exclusive lock on the test nodes across ava's worker processes: a cluster's agents own
 * their nodes' routes, iptables rules and port 10250. `flock` holds it for as long as this process
 * lives, so a crashed test frees it too.
 */
async function lockTestNodes(): Promise<() => void> {
  const holder = spawn('flock', ['-x', join(tmpdir(), 'minik8s-test-cluster.lock'), '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(holder.stdout!, 'data');
  return () => holder.stdin!.end();
}

/**
 * A whole cluster: the control plane in-process (real etcd, Git, API) and a real node-agent process in
 * each test node's namespace, joined as `npm start` joins its nodes. Torn down with the test: agents
 * stopped, their containers, routes and pod networks removed.
 */
export async function startTestCluster(
  t: ExecutionContext,
  opts: { nodes?: number; controlPlane?: Partial<ControlPlaneOptions> & { clusterConfig?: Partial<ClusterConfig> } } = {},
) {
  const nodes = testNodes().slice(0, opts.nodes ?? 3);
  if (nodes.length < (opts.nodes ?? 3)) throw new Error('the test nodes are not running (run through npm test)');
  const release = await lockTestNodes();
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-cluster-'));
  const agents = new Map<string, ChildProcess>();
  const controlPlane = await startTestControlPlane(t, { ...opts.controlPlane, listenHost: '0.0.0.0' }).catch((err: unknown) => {
    release();
    throw err;
  });
  // Registered after the control plane's teardown, so it runs first: agents stop while the API still answers.
  t.teardown(async () => {
    await Promise.all([...agents.keys()].map((name) => stopAgent(name)));
    // A failed test shows what the agents said: their warnings and errors.
    if (!t.passed)
      for (const n of nodes)
        t.log(
          `${n.name}:`,
          (await readFile(join(dir, `${n.name}.log`), 'utf8').catch(() => ''))
            .split('\n')
            .filter((l) => !l.includes('"level":30'))
            .slice(0, 8)
            .join('\n'),
        );
    await Promise.all(nodes.map(cleanNode));
    await rm(dir, { recursive: true, force: true });
    release();
  });

  const { config, client, configPath, pushUrl, gitUrl } = controlPlane;
  const port = new URL(controlPlane.cp.url).port;

  const startAgent = async (name: string) => {
    const node = nodes.find((n) => n.name === name)!;
    const file = join(dir, `${name}.yaml`);
    const agentConfig = {
      nodeName: name,
      labels: { 'minik8s.io/hostname': name },
      apiUrl: `https://${BRIDGE_IP}:${port}`,
      caFile: config.caFile,
      joinToken: config.joinToken,
      metricsToken: config.metricsToken,
      dockerSocket: node.dockerSocket,
      nodeIP: node.ip,
      ...testNodeCertFiles(name),
      stateDir: join(dir, name),
      heartbeatSeconds: 1,
      backOff: { baseSeconds: 1, maxSeconds: 4 },
    };
    await writeFile(file, toYaml(agentConfig), { mode: 0o600 });
    const log = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
    const child = spawn('nsenter', [`--net=${node.netns}`, process.execPath, '--import', 'tsx', join(REPO, 'node-agent/main.ts'), '--config', file], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MINIK8S_LOG_LEVEL: process.env.MINIK8S_LOG_LEVEL ?? 'info' },
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    agents.set(name, child);
  };
  const stopAgent = async (name: string, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = agents.get(name);
    agents.delete(name);
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  };

  for (const n of nodes) await startAgent(n.name);
  await waitForReadyNodes(
    client,
    nodes.map((n) => n.name),
  );

  let clone: string | undefined;
  return {
    get cp() {
      return controlPlane.cp;
    },
    stopControlPlane: controlPlane.stopControlPlane,
    startControlPlane: controlPlane.startControlPlane,
    client,
    /** The cluster's config (its tokens), as cluster.json holds it. */
    config,
    configPath,
    pushUrl,
    gitUrl,
    nodes,
    startAgent,
    /** SIGTERM by default; SIGKILL for a crash. The agent's containers keep running either way. */
    stopAgent,
    /** An agent's log so far, for a failure message. */
    agentLog: (name: string) => readFile(join(dir, `${name}.log`), 'utf8'),
    /** Runs a command in a pod's container (namespace default) through the API and its node's agent. */
    async exec(pod: string, command: string[], container?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const exitCode = await execInPod(client, { namespace: 'default', name: pod }, { command, ...(container && { container }) }, { stdout, stderr });
      stdout.end();
      stderr.end();
      return { exitCode, stdout: await text(stdout), stderr: await text(stderr) };
    },
    /** A container's log so far. */
    logs: async (pod: string, container?: string) => text(await podLogs(client, { namespace: 'default', name: pod }, container ? { container } : {})),
    /** Commits (null removes) files in the cluster repository and pushes them; a refused push throws. */
    async push(files: Record<string, string | null>, message = 'change'): Promise<Extract<PushResult, { ok: true }>> {
      clone ??= await cloneRepo(t, pushUrl);
      const result = await commitAndPush(clone, files, message);
      if (!result.ok) throw new Error(`push refused: ${result.output}`);
      return result;
    },
  };
}

export type TestCluster = Awaited<ReturnType<typeof startTestCluster>>;

/** Waits on the API's watch until every named node is Ready with a pod subnet. */
async function waitForReadyNodes(client: ApiClient, names: string[], timeoutMs = 60_000): Promise<void> {
  const ready = (n: Node) => Boolean(n.spec.podCIDR) && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const signal = AbortSignal.timeout(timeoutMs);
  const list = await client.list('Node');
  const seen = new Set(list.items.filter(ready).map((n) => n.metadata.name));
  if (names.every((n) => seen.has(n))) return;
  for await (const e of client.watch('Node', { resourceVersion: list.resourceVersion }, signal)) {
    if (e.type !== 'DELETED' && ready(e.object)) seen.add(e.object.metadata.name);
    if (names.every((n) => seen.has(n))) return;
  }
  throw new Error(`nodes ${names.filter((n) => !seen.has(n)).join(', ')} never became Ready`);
}

/** What a cluster's agent leaves on a test node: containers, the pod network, routes to other nodes. */
async function cleanNode(node: TestClusterNode): Promise<void> {
  const containers = await node.docker.listContainers({ all: true, filters: { label: ['minik8s.io/node'] } });
  await Promise.all(
    containers.filter((c) => c.Labels['minik8s.io/node'] === node.name).map((c) => node.docker.getContainer(c.Id).remove({ force: true, v: true })),
  );
  await node.docker
    .getNetwork('minik8s')
    .remove()
    .catch(() => undefined);
  await nodeNet(node.netns).run('ip', ['route', 'flush', 'proto', ROUTE_PROTO]);
}
