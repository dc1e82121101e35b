/**
 * npm run chaos — the fault-tolerance sequence on the local cluster (NODES=3 npm start first), printing
 * each check as it goes; exit status 1 when any failed. It deploys a 3-replica web Deployment behind a
 * NodePort service and keeps a client calling it through every node the whole time (failed requests are
 * counted per step), then: SIGKILLs each supervised process in turn (etcd, the control plane, the registry,
 * the gateway, the builder dockerd, every agent, and whatever else runs under the supervisor except the
 * nodes' dockerds) and times it back; stops the control plane and etcd for a while and starts them again;
 * stops a whole node and waits for its pods to be replaced elsewhere; then makes the pushes the cluster must
 * refuse (an oversized manifest, a force push, an unauthenticated push on a percent-encoded path). Leaves
 * the cluster as it found it (the node restarted, the manifests removed).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiClient } from '../../common/client/api-client.js';
import { readClusterCa, readClusterConfig } from '../../common/config/cluster-config.js';
import { repoRoot } from '../../common/paths/repo-root.js';
import type { Endpoints, Pod } from '../../common/schema/index.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { connectLocalCluster, type LocalCluster, run } from '../bench/local-cluster.js';
import { hostnameHttpd, serviceYaml, workloadYaml } from '../helpers/manifests.js';
import { eventually } from '../node-agent/agent-harness.js';
import { bypassPush, forcePush, oversizedPush } from './refused-pushes.js';
import { pollService } from './service-poller.js';
import { killAndTimeBack, programs } from './supervised.js';

const NODE_PORT = 30499;
const RUN = process.env.MINIK8S_RUN ?? '/run/minik8s';
let failures = 0;

function check(what: string, ok: boolean, detail = ''): void {
  if (!ok) failures++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
}

const script = (name: string, ...args: string[]) => run('bash', [join(repoRoot, 'scripts', name), ...args]);

const manifests = {
  'chaos-web.yaml': workloadYaml('Deployment', 'chaos-web', 3, hostnameHttpd),
  'chaos-web-svc.yaml': serviceYaml('chaos-web', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: NODE_PORT, protocol: 'TCP' }] }),
};

/** The app containers of every node, as `node/id/state`, straight from each node's dockerd. */
async function containers(nodes: string[]): Promise<string[]> {
  const lists = await Promise.all(
    nodes.map(async (n) =>
      (await run('docker', ['-H', `unix://${RUN}/${n}/docker.sock`, 'ps', '--filter', `label=${LABELS.podName}`, '--format', '{{.ID}}/{{.State}}']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((c) => `${n}/${c}`),
    ),
  );
  return lists.flat().sort();
}

/** One request through the NodePort of each node IP, from the host; and one to the ClusterIP from inside node-1. */
async function serviceAnswers(nodeIPs: string[], clusterIP: string): Promise<{ nodePort: boolean[]; clusterIP: boolean }> {
  const nodePort = await Promise.all(
    nodeIPs.map((ip) =>
      fetch(`http://${ip}:${NODE_PORT}/`, { signal: AbortSignal.timeout(3000) }).then(
        async (r) => r.ok && (await r.text()).startsWith('chaos-web-'),
        () => false,
      ),
    ),
  );
  const viaClusterIP = await run('nsenter', ['--net=/run/netns/mk8s-node-1', 'curl', '-s', '-m', '3', `http://${clusterIP}/`]).then(
    (body) => body.startsWith('chaos-web-'),
    () => false,
  );
  return { nodePort, clusterIP: viaClusterIP };
}

async function readyEndpoints(cluster: LocalCluster): Promise<Endpoints['subsets'][number]['addresses']> {
  const ep = await cluster.client.get({ kind: 'Endpoints', namespace: 'default', name: 'chaos-web' });
  return ep?.subsets.flatMap((s) => s.addresses) ?? [];
}

/** Waits until `check` holds (the local cluster's state seen from outside has no single event to wait on). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  if (!(await eventually(() => check().catch(() => false), timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

/** Until every named node has posted a heartbeat after `since`: its agent is back and has resynced. */
async function heartbeatsSince(cluster: LocalCluster, nodes: string[], since: string): Promise<void> {
  const beat = (n: { status?: { conditions?: Array<{ type: string; lastHeartbeatTime?: string }> } }) =>
    (n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '') > since;
  await until('heartbeats', async () => (await cluster.client.list('Node')).items.filter((n) => nodes.includes(n.metadata.name)).every(beat), 60_000);
}

async function main() {
  let cluster = await connectLocalCluster();
  const nodes = (await cluster.client.list('Node')).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const names = nodes.map((n) => n.metadata.name);
  const ips = nodes.map((n) => n.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
  if (names.length < 3) throw new Error('the chaos run needs three nodes: NODES=3 npm start');

  const removal = Object.fromEntries(Object.keys(manifests).map((f) => [f, null]));
  const chaosPods = async () => (await cluster.client.list('Pod', { namespace: 'default' })).items.filter((p: Pod) => p.metadata.labels?.app === 'chaos-web');
  // A run that ended early leaves chaos-web behind, its pods carrying as restarts the containers every cluster
  // restart since recreated: the run starts from new pods.
  if (await cluster.client.get({ kind: 'Deployment', namespace: 'default', name: 'chaos-web' })) {
    console.log('0. remove the chaos-web an earlier run left');
    await cluster.push(removal, 'chaos: remove chaos-web left by an earlier run');
    await until('the earlier chaos-web pods gone', async () => (await chaosPods()).length === 0, 120_000);
  }

  console.log('1. deploy chaos-web (3 replicas) behind a NodePort service; a client calls it through every node from now on');
  await cluster.push(manifests, 'chaos: deploy chaos-web');
  await until('3 ready endpoints', async () => (await readyEndpoints(cluster)).length === 3, 120_000);
  const clusterIP = (await cluster.client.get({ kind: 'Service', namespace: 'default', name: 'chaos-web' }))!.spec.clusterIP!;
  const before = await containers(names);
  const answers = await serviceAnswers(ips, clusterIP);
  check('service answers through every node port and the cluster IP', answers.nodePort.every(Boolean) && answers.clusterIP);
  const poller = pollService([...ips], NODE_PORT, 'chaos-web-');

  console.log('2. SIGKILL each supervised process in turn; the supervisor brings it back');
  const victims = [...(await programs()).keys()].filter((p) => !/^dockerd-node-/.test(p)).sort();
  const heal = new Map<string, number | undefined>();
  // A plain client: the cluster connection's watch would end (and throw) with the control plane.
  await cluster.close();
  const config = readClusterConfig();
  const client = new ApiClient({ baseUrl: config.apiUrl, token: config.token, ca: readClusterCa(config) });
  for (const name of victims) {
    poller.phase = `kill ${name}`;
    const pid = (await programs()).get(name);
    if (!pid) {
      check(`${name}: running before its kill`, false, 'not RUNNING in the supervisor');
      continue;
    }
    const back = await killAndTimeBack(name, pid, client);
    heal.set(name, back);
    check(`${name}: back within 5 s`, back !== undefined && back <= 5, back === undefined ? 'not back after 20 s' : `${back.toFixed(1)} s`);
  }
  poller.phase = 'after kills';
  cluster = await connectLocalCluster();
  check('after the kills: no container stopped or replaced', JSON.stringify(await containers(names)) === JSON.stringify(before));
  const pods = await chaosPods();
  const restarted = pods.filter((p) => !p.status?.containerStatuses?.every((c) => c.restartCount === 0));
  check(
    'after the kills: restart counts are 0',
    restarted.length === 0,
    restarted
      .map((p) => {
        const c = p.status?.containerStatuses?.[0];
        const counts = c ? `restarts ${c.restartCount}, last ${JSON.stringify(c.lastState ?? {})}` : 'no container status';
        return `${p.metadata.name} on ${p.spec.nodeName} ${p.status?.phase}: ${counts}`;
      })
      .join('; '),
  );
  const killFailures = victims.reduce((n, v) => n + poller.failuresIn(`kill ${v}`), 0);
  const failedKills = victims.filter((v) => poller.failuresIn(`kill ${v}`) > 0).map((v) => `${v}: ${poller.failuresIn(`kill ${v}`)}`);
  check(
    'no request failed while processes were killed',
    killFailures === 0,
    `${killFailures} of ${poller.requests} so far${failedKills.length ? `; ${failedKills.join(', ')}` : ''}`,
  );

  console.log('3. stop the control plane and etcd; the nodes keep serving');
  poller.phase = 'control plane down';
  await cluster.close();
  await script('control-plane.sh', 'stop');
  const down = await serviceAnswers(ips, clusterIP);
  check('while down: every node port answers', down.nodePort.every(Boolean), down.nodePort.join(','));
  check('while down: the cluster IP answers', down.clusterIP);
  check('while down: no container stopped or replaced', JSON.stringify(await containers(names)) === JSON.stringify(before));
  const t0 = performance.now();
  const restartedAt = new Date().toISOString();
  await script('control-plane.sh', 'start');
  cluster = await connectLocalCluster();
  console.log(`  control plane answering after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await heartbeatsSince(cluster, names, restartedAt);
  check('after restart: no container restarted or replaced', JSON.stringify(await containers(names)) === JSON.stringify(before));
  check('after restart: 3 ready endpoints', (await readyEndpoints(cluster)).length === 3);
  check('no request failed while the control plane was down', poller.failuresIn('control plane down') === 0, `${poller.failuresIn('control plane down')}`);

  // A node that runs chaos-web pods (the last such: node-1 also runs the gateway), so their replacement is tested.
  const lost = [...names].reverse().find((n) => pods.some((p) => p.spec.nodeName === n)) ?? names[2]!;
  const lostPods = pods.filter((p) => p.spec.nodeName === lost).map((p) => p.metadata.name);
  console.log(`4. stop ${lost} (agent and dockerd); its ${lostPods.length} chaos-web pod(s) should be replaced elsewhere`);
  // Calls through the lost node itself fail by design; the others must not.
  poller.targets = ips.filter((_, i) => names[i] !== lost);
  poller.phase = 'node lost';
  const t1 = performance.now();
  await script('node.sh', 'stop', lost);
  await until(
    'replacements on the other nodes',
    async () => {
      const addrs = await readyEndpoints(cluster);
      return addrs.length === 3 && addrs.every((a) => a.nodeName !== lost);
    },
    180_000,
  );
  console.log(`  replaced after ${((performance.now() - t1) / 1000).toFixed(1)} s (NotReady after 15 s, pods failed 40 s later)`);
  const survivors = await serviceAnswers(
    ips.filter((_, i) => names[i] !== lost),
    clusterIP,
  );
  check('the service answers on the remaining nodes', survivors.nodePort.every(Boolean) && survivors.clusterIP);
  // Until the endpoints drop the lost node's pod, the surviving nodes still send it a share of the calls.
  console.log(`  requests failed while ${lost} was lost: ${poller.failuresIn('node lost')} (until its pods left the endpoints)`);

  console.log(`5. start ${lost} again, remove chaos-web`);
  poller.phase = 'clean up';
  await script('node.sh', 'start', lost);
  await poller.stop();
  await cluster.push(removal, 'chaos: remove chaos-web');

  console.log('6. pushes the cluster must refuse (nothing lands, the API keeps answering)');
  check('an oversized (20 MB) manifest is refused', await oversizedPush());
  check('a force push rewriting the synced branch is refused', await forcePush());
  check('an unauthenticated push on a percent-encoded receive-pack path is refused', await bypassPush());
  check(
    'the API answers after the refused pushes',
    await cluster.client.list('Node').then(
      () => true,
      () => false,
    ),
  );
  await cluster.close();

  const figures = [...heal].map(([n, s]) => `${n} ${s === undefined ? '-' : s.toFixed(1)} s`).join(', ');
  console.log(`back after SIGKILL: ${figures}`);
  console.log(
    `requests: ${poller.requests}, failed: ${poller.failuresIn()} (while killing: ${killFailures}, ` +
      `control plane down: ${poller.failuresIn('control plane down')}, node lost: ${poller.failuresIn('node lost')})`,
  );
  console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
