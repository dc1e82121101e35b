/**
 * Services on the local cluster (NODES=3 npm start first). Run: npm run bench:services
 *   1. programming latency: a pod turning Ready (Running, no probes) / being deleted → its DNAT rule in
 *      place / gone on all three nodes (iptables-save polled in each node's namespace)
 *   2. rule sync with 1,000 services × 3 endpoints: render + iptables-save + iptables-restore into a
 *      scratch namespace made for it (cold, one endpoint changed, everything rewritten in place)
 *   3. throughput: wrk in node-1's namespace against a pod on node-2, through its ClusterIP and
 *      straight to the pod IP, in pairs of back-to-back runs
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { stringify as toYaml } from 'yaml';
import type { Endpoints, Pod, Service } from '../../common/schema/index.js';
import { nodeNet } from '../../node-agent/host/node-net.js';
import { servicePorts } from '../../node-agent/services/iptables-rules.js';
import { writeServiceRules } from '../../node-agent/services/service-proxy.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { connectLocalCluster, type LocalCluster, ms, pct } from './local-cluster.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WRK_PAIRS = 12;
const WRK_SECONDS = 2;
const NODES = ['node-1', 'node-2', 'node-3'];
const netnsOf = (node: string) => `/run/netns/mk8s-${node}`;
const SCRATCH = 'mk8s-bench-services';

const serviceYaml = (name: string) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { bench: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  });
/** busybox httpd on each of `ports` (the last one in the foreground). */
const serverYaml = (name: string, app: string, opts: { node?: string; ports?: number[] } = {}) => {
  const ports = opts.ports ?? [8080];
  const servers = ports.map((p, i) => `${i === ports.length - 1 ? 'exec httpd -f' : 'httpd'} -p ${p} -h /www`).join(' && ');
  return toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: app } },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(opts.node && { nodeSelector: { 'minik8s.io/hostname': opts.node } }),
      containers: [{ name: 'main', image: 'busybox:latest', command: ['sh', '-c', `mkdir -p /www && echo ok > /www/index.html && ${servers}`] }],
    },
  });
};

/** performance.now() when every node's nat table says `present` (or no longer says it) of a DNAT to `ip`. */
async function whenOnAllNodes(ip: string, present: boolean): Promise<number> {
  const times = await Promise.all(
    NODES.map(async (node) => {
      const net = nodeNet(netnsOf(node));
      for (const deadline = performance.now() + 30_000; performance.now() < deadline; ) {
        const has = (await net.run('iptables-save', ['-t', 'nat'])).includes(`--to-destination ${ip}:`);
        if (has === present) return performance.now();
      }
      throw new Error(`${node}: the rule for ${ip} was never ${present ? 'written' : 'removed'}`);
    }),
  );
  return Math.max(...times);
}

async function programmingLatency(cluster: LocalCluster): Promise<{ ready: number[]; deleted: number[] }> {
  await cluster.push({ 'svc-latency.yaml': serviceYaml('svc-latency') }, 'bench: latency service');
  const ready: number[] = [];
  const deleted: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `svc-latency-${i}`;
    const running = cluster.when([name], 'Running');
    await cluster.push({ [`${name}.yaml`]: serverYaml(name, 'svc-latency') }, `bench: ${name}`);
    const readyAt = (await running).get(name)!;
    const pod = (await cluster.client.get({ kind: 'Pod', namespace: 'default', name })) as Pod;
    const ip = pod.status!.podIP!;
    ready.push((await whenOnAllNodes(ip, true)) - readyAt);
    const gone = cluster.when([name], 'gone');
    await cluster.push({ [`${name}.yaml`]: null }, `bench: remove ${name}`);
    const goneAt = (await gone).get(name)!;
    deleted.push((await whenOnAllNodes(ip, false)) - goneAt);
  }
  await cluster.push({ 'svc-latency.yaml': null }, 'bench: remove latency service');
  return { ready, deleted };
}

/** 1,000 services of 3 endpoints each, as the informers would hold them. */
function thousandServices(): { services: Service[]; endpoints: Endpoints[] } {
  const services: Service[] = [];
  const endpoints: Endpoints[] = [];
  for (let i = 0; i < 1000; i++) {
    const name = `svc-${i}`;
    const ip = (a: number) => `10.${a}.${Math.floor(i / 250)}.${(i % 250) + 2}`;
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { type: 'ClusterIP', clusterIP: ip(96), selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }] },
    });
    endpoints.push({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: 'default' },
      subsets: [{ addresses: [1, 2, 3].map((n) => ({ ip: `10.244.${n}.${(i % 250) + 2}` })), ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  }
  return { services, endpoints };
}

async function thousandServiceSync(): Promise<{ render: number[]; cold: number[]; oneChange: number[]; rewrite: number[] }> {
  const { services, endpoints } = thousandServices();
  const times = { render: [] as number[], cold: [] as number[], oneChange: [] as number[], rewrite: [] as number[] };
  const timed = async <T>(into: number[], f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    into.push(performance.now() - t0);
    return r;
  };
  for (let round = 0; round < 5; round++) {
    await run('ip', ['netns', 'add', SCRATCH]);
    try {
      const net = nodeNet(`/run/netns/${SCRATCH}`);
      const ports = await timed(times.render, () => servicePorts(services, endpoints));
      const written = await timed(times.cold, () => writeServiceRules(net, servicePorts(services, endpoints), new Map()));
      const moved = structuredClone(endpoints);
      moved[round]!.subsets[0]!.addresses[0]!.ip = '10.244.9.9';
      await timed(times.oneChange, () => writeServiceRules(net, servicePorts(services, moved), written));
      await timed(times.rewrite, () => writeServiceRules(net, ports, new Map()));
    } finally {
      await run('ip', ['netns', 'del', SCRATCH]);
    }
  }
  return times;
}

async function wrk(url: string): Promise<number> {
  const { stdout } = await run('nsenter', [`--net=${netnsOf('node-1')}`, 'wrk', '-t1', '-c8', `-d${WRK_SECONDS}s`, url]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
  if (!rps) throw new Error(`wrk said: ${stdout}`);
  return Number(rps);
}

/**
 * Pairs of runs, straight to the pod and through its ClusterIP, back to back with the order swapped
 * every pair, so that drift in the machine's load falls on both; the ratio is taken per pair. Every
 * request is a new connection (busybox httpd closes it), so each run goes to a pod port of its own,
 * fresh for each bench run: no connection meets the TIME_WAIT conntrack entry of an earlier one with
 * the same addresses (a reused client port then costs NAT a port search: that would measure the
 * single test client, not the rules).
 */
async function throughput(cluster: LocalCluster): Promise<{ direct: number[]; clusterIP: number[]; ratios: number[] }> {
  const base = 20000 + 2 * WRK_PAIRS * Math.floor(Math.random() * 1000);
  const pairs = Array.from({ length: WRK_PAIRS }, (_, i) => ({ direct: base + 2 * i, target: base + 2 * i + 1, port: 8000 + i }));
  const service = toYaml({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc-wrk' },
    spec: { selector: { bench: 'svc-wrk' }, ports: pairs.map((p, i) => ({ name: `run-${i}`, port: p.port, targetPort: p.target, protocol: 'TCP' })) },
  });
  const running = cluster.when(['svc-wrk-0'], 'Running');
  const ports = pairs.flatMap((p) => [p.direct, p.target]);
  await cluster.push({ 'svc-wrk.yaml': service, 'svc-wrk-0.yaml': serverYaml('svc-wrk-0', 'svc-wrk', { node: 'node-2', ports }) }, 'bench: wrk service');
  await running;
  const pod = (await cluster.client.get({ kind: 'Pod', namespace: 'default', name: 'svc-wrk-0' })) as Pod;
  const svc = (await waitForObject(cluster.client, 'Service', 'svc-wrk', (s) => Boolean(s?.spec.clusterIP)))!;
  await whenOnAllNodes(pod.status!.podIP!, true);
  const direct: number[] = [];
  const clusterIP: number[] = [];
  for (const [i, p] of pairs.entries()) {
    const runDirect = async () => direct.push(await wrk(`http://${pod.status!.podIP}:${p.direct}/`));
    const runService = async () => clusterIP.push(await wrk(`http://${svc.spec.clusterIP}:${p.port}/`));
    if (i % 2 === 0) await runDirect().then(runService);
    else await runService().then(runDirect);
  }
  await cluster.push({ 'svc-wrk.yaml': null, 'svc-wrk-0.yaml': null }, 'bench: remove wrk service');
  return { direct, clusterIP, ratios: direct.map((d, i) => clusterIP[i]! / d) };
}

async function main() {
  const sync = await thousandServiceSync();
  const line = (what: string, xs: number[]) => `${what}: p50 ${ms(pct(xs, 50))}, max ${ms(Math.max(...xs))}`;
  console.log(`1,000 services x 3 endpoints, ${sync.cold.length} rounds in a scratch namespace:`);
  console.log(`  ${line('render (join + rules text)', sync.render)}`);
  console.log(`  ${line('cold sync (save + render + restore, empty tables; target <= 2 s)', sync.cold)}`);
  console.log(`  ${line('one endpoint changed (only its chains rewritten)', sync.oneChange)}`);
  console.log(`  ${line('everything rewritten in place (agent restart)', sync.rewrite)}`);

  const cluster = await connectLocalCluster();
  try {
    const latency = await programmingLatency(cluster);
    console.log(`programming latency, ${ROUNDS} pods, rule on all 3 nodes (target p99 <= 1000 ms):`);
    console.log(`  Ready -> DNAT rule everywhere: p50 ${ms(pct(latency.ready, 50))}, p99 ${ms(pct(latency.ready, 99))}`);
    console.log(`  deleted -> rule gone everywhere: p50 ${ms(pct(latency.deleted, 50))}, p99 ${ms(pct(latency.deleted, 99))}`);
    const tp = await throughput(cluster);
    const rps = (xs: number[]) => `${xs.map((r) => r.toFixed(0)).join(', ')} req/s, median ${pct(xs, 50).toFixed(0)}`;
    console.log(`throughput, wrk -t1 -c8 -d${WRK_SECONDS}s in node-1's namespace to one busybox httpd pod on node-2, ${WRK_PAIRS} pairs of runs:`);
    console.log(`  straight to the pod IP (baseline): ${rps(tp.direct)}`);
    console.log(`  through the ClusterIP: ${rps(tp.clusterIP)}`);
    console.log(`  ClusterIP / direct, per pair: median ${(pct(tp.ratios, 50) * 100).toFixed(1)} % (target >= 90 %); load average ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await cluster.close();
  }
}

await main();
