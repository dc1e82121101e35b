import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import Docker from 'dockerode';
import { ApiClient } from '../../common/client/api-client.js';
import { Informer } from '../../common/client/informer.js';
import type { Container, Pod } from '../../common/schema/index.js';
import { type RunningAgent, startAgent } from '../../node-agent/agent.js';
import { parseAgentConfig } from '../../node-agent/config/agent-config.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { DockerRuntime } from '../../node-agent/runtime/docker-runtime.js';
import { createApiApp } from '../../reconciler/api/api-server.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { testEtcdKV } from '../helpers/etcd.js';
import { testNodeCertFiles } from '../helpers/pki.js';

/** The test node's dockerd (the harness exports it); a developer's private one otherwise. */
export const DOCKER_SOCKET = process.env.MINIK8S_TEST_DOCKER_SOCKET ?? '/tmp/mk8s-dev/docker.sock';
export const NODE_IP = process.env.MINIK8S_TEST_NODE_IP ?? '10.100.0.201';
/** The test node's pod subnet: one no real node is allocated. */
export const POD_CIDR = process.env.MINIK8S_TEST_POD_CIDR ?? '10.244.201.0/24';
/**
 * In-process agents' pod network, apart from the one a multi-node test cluster's agent builds on the
 * same dockerd (test/helpers/test-cluster.ts).
 */
export const TEST_NETWORK = { networkName: 'minik8s-inproc', bridgeName: 'mk8s-inproc' } as const;

/** A runtime on the test node's dockerd with the in-process agents' pod network. */
export function testRuntime(docker: Docker, nodeName: string, stateDir: string): DockerRuntime {
  return new DockerRuntime(docker, { nodeName, stateDir, ...TEST_NETWORK });
}
const TOKEN = 'test-join-token';

export interface AgentHarness {
  store: ObjectStore;
  api: ApiClient;
  docker: Docker;
  runtime: DockerRuntime;
  nodeName: string;
  agent: RunningAgent;
  /** Starts a second agent for the same node (after `agent.stop()`), as a restarted process would. */
  restartAgent(): Promise<RunningAgent>;
  /** Creates a pod bound to this node, as Git sync plus the scheduler would. */
  createPod(name: string, containers: Container[], spec?: Partial<Pod['spec']>): Promise<Pod>;
  /** Resolves with the pod once `ok` holds for it, as the API serves it. */
  /** Resolves with the pod once `ok` holds for it; rejects, naming its last status, after `timeoutMs` (60 s). */
  waitForPod(name: string, ok: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
  /** This node's containers of a pod, straight from Docker. */
  containersOf(name: string): Promise<Docker.ContainerInfo[]>;
}

/**
 * Creates the pod network once, before the tests' agents start at the same time: Docker refuses a
 * second, concurrent creation of the same subnet before the first is visible by name.
 */
export async function ensureTestPodNetwork(): Promise<void> {
  await testRuntime(new Docker({ socketPath: DOCKER_SOCKET }), 'unused', tmpdir()).ensureNetwork(POD_CIDR);
}

/** A real API (on the test etcd) and an agent on the test node's Docker, all torn down with the test. */
export async function startAgentHarness(t: ExecutionContext): Promise<AgentHarness> {
  const store = new ObjectStore(testEtcdKV(t));
  const server = createApiApp({ store, authenticator: (token) => (token === TOKEN ? { type: 'admin' } : undefined) }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const api = new ApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN });
  const docker = new Docker({ socketPath: DOCKER_SOCKET });
  const nodeName = `test-${randomBytes(4).toString('hex')}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'mk8s-agent-'));
  const runtime = testRuntime(docker, nodeName, stateDir);
  const config = parseAgentConfig({
    nodeName,
    labels: { 'minik8s.io/hostname': nodeName },
    apiUrl: 'http://127.0.0.1:1',
    joinToken: TOKEN,
    nodeIP: NODE_IP,
    ...testNodeCertFiles('test-1'),
    stateDir,
    podCIDR: POD_CIDR,
    backOff: { baseSeconds: 1, maxSeconds: 4 },
  });
  const agents: RunningAgent[] = [];
  const start = async () => {
    const agent = await startAgent({ config, api, runtime });
    agents.push(agent);
    return agent;
  };
  const podInformer = new Informer(api, 'Pod');
  t.teardown(async () => {
    podInformer.stop();
    for (const a of agents) await a.stop();
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    await rm(stateDir, { recursive: true, force: true });
    // Watch streams and keep-alive connections would hold close() open.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const agent = await start();
  await podInformer.start();

  return {
    store,
    api,
    docker,
    runtime,
    nodeName,
    agent,
    restartAgent: start,
    createPod: (name, containers, spec = {}) =>
      store.create<Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 1, nodeName, ...spec },
      }),
    // A wait that never ends would keep the worker alive past the run, and ava waits for it without a timeout.
    waitForPod: (name, ok, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const key = `Pod/default/${name}`;
        const timer = setTimeout(
          () => reject(new Error(`pod ${name} not as awaited within ${timeoutMs} ms; its status: ${JSON.stringify(podInformer.get(key)?.status)}`)),
          timeoutMs,
        );
        const check = () => {
          const pod = podInformer.get(key);
          if (pod && ok(pod)) {
            clearTimeout(timer);
            resolve(pod);
          }
        };
        podInformer.onChange((e) => e.key === key && check());
        check();
      }),
    containersOf: (name) => docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`, `${LABELS.podName}=${name}`] } }),
  };
}

/** Waits for something with no event to wait on (Docker's view after a teardown), checking every 100 ms. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
