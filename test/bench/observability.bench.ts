/**
 * Observability figures on the local cluster (npm start first; it runs Prometheus and the node exporters).
 * Run: flock /work/wt/cluster.lock npm run bench:observability
 *   - discovery: ROUNDS annotated pods pushed one at a time; commit → Running (the baseline: what any pod
 *     takes) and commit → first sample of the pod's own metric in Prometheus; p50 of each and of the gap;
 *     then delete → target gone
 *   - memory: resident set of Prometheus, each node exporter, and each node agent (for scale)
 *   - the agent's /metrics/cadvisor: Prometheus' own scrape_duration_seconds and client-timed GETs, with the
 *     node's pods only, then with PODS more pods on that node; node-exporter's scrape beside it
 *   - the agent's CPU with those pods: idle (Prometheus' own scrapes only) as the baseline, then while
 *     /metrics/cadvisor is fetched back to back; the difference per request is one scrape's CPU
 *   - the cluster-repo example (Python, prometheus_client): its metric in Prometheus (commit → first sample
 *     when the cluster does not run it from its seed repository already)
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { stringify as toYaml } from 'yaml';
import { DEFAULT_PROMETHEUS_URL, readClusterCa } from '../../common/config/cluster-config.js';
import { connectLocalCluster, ms, pct } from './local-cluster.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PODS = Number(process.env.BENCH_PODS ?? 30);
const NODE = process.env.BENCH_NODE ?? 'node-1';
const RUN = process.env.MINIK8S_RUN ?? '/run/minik8s';
const execFileAsync = promisify(execFile);
const CPU_WINDOW_MS = Number(process.env.BENCH_CPU_WINDOW_MS ?? 30_000);
const cluster = await connectLocalCluster();
const { config } = cluster;
const prometheus = config.prometheusUrl ?? DEFAULT_PROMETHEUS_URL;

const metricsPod = (name: string, nodeSelector?: Record<string, string>) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: 'observability' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(nodeSelector && { nodeSelector }),
      containers: [
        { name: 'main', image: 'busybox:latest', command: ['sh', '-c', "mkdir /www && echo 'bench_up 1' > /www/metrics && exec httpd -f -p 8000 -h /www"] },
      ],
    },
  });

async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const body = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result;
}

/** Polls (Prometheus has no watch) every 50 ms; resolves with performance.now() when `check` first holds. */
async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; ) {
    if (await check()) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

const targetUp = async (pod: string) => (await query(`bench_up{pod="${pod}"}`)).length > 0;
const targetListed = async (pod: string) => {
  const body = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as {
    data: { activeTargets: Array<{ labels: Record<string, string> }> };
  };
  return body.data.activeTargets.some((x) => x.labels.pod === pod);
};

/** A supervised program's pid (npm start runs every daemon under supervisord; scripts/lib/supervisor.sh). */
async function programPid(name: string): Promise<string> {
  const { stdout } = await execFileAsync('supervisorctl', ['-c', `${RUN}/supervisor/supervisord.conf`, 'pid', name]).catch(() => ({ stdout: '' }));
  return /^[1-9][0-9]*$/.test(stdout.trim()) ? stdout.trim() : '';
}

async function rssMiB(program: string): Promise<string> {
  const pid = await programPid(program);
  const status = pid && (await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
  const kb = status ? Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) : NaN;
  return Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MiB` : '(not running)';
}

/** CPU seconds a process has used (user + system, from /proc/PID/stat; clock ticks of 1/100 s). */
async function cpuSeconds(pid: string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The CPU seconds a process used over `windowMs` while `during` ran (or while nothing else did). */
async function cpuShare(pid: string, windowMs: number, during?: (signal: AbortSignal) => Promise<number>) {
  const c0 = await cpuSeconds(pid);
  const t0 = performance.now();
  const signal = AbortSignal.timeout(windowMs);
  const n = during ? await during(signal) : await new Promise<number>((resolve) => signal.addEventListener('abort', () => resolve(0)));
  return { cpu: (await cpuSeconds(pid)) - c0, seconds: (performance.now() - t0) / 1000, requests: n };
}

/** The agents serve TLS with certificates from the cluster CA. */
const agentTls = new Agent({ connect: { ca: readClusterCa(config) } });

/** Back-to-back GETs of an agent route with the scrape token until the signal; how many were answered. */
async function hammer(url: string, signal: AbortSignal): Promise<number> {
  let n = 0;
  while (!signal.aborted) {
    await (await fetch(url, { headers: { authorization: `Bearer ${config.metricsToken}` }, dispatcher: agentTls } as RequestInit)).arrayBuffer();
    n++;
  }
  return n;
}

/** Client-timed GETs of an agent route with the scrape token: p50 over `n`. */
async function timedGets(url: string, n: number): Promise<{ p50: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${config.metricsToken}` }, dispatcher: agentTls } as RequestInit);
    bytes = (await res.arrayBuffer()).byteLength;
    times.push(performance.now() - t0);
  }
  return { p50: pct(times, 50), bytes };
}

async function scrapeDuration(job: string): Promise<number> {
  const [r] = await query(`avg_over_time(scrape_duration_seconds{job="${job}",node="${NODE}"}[1m])`);
  return Number(r?.value[1] ?? NaN) * 1000;
}

// Names of this run's own, so pods an interrupted run left behind (removed first) cannot be mistaken for them.
const run = Date.now().toString(36);
try {
  await cluster.push(Object.fromEntries(Array.from({ length: ROUNDS }, (_, i) => [`bench-obs-${i}.yaml`, null])), 'bench: remove leftovers');
  const toRunning: number[] = [];
  const toSample: number[] = [];
  const toGone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `bench-obs-${run}-${i}`;
    const running = cluster.when([name], 'Running');
    const t0 = performance.now();
    await cluster.push({ [`${name}.yaml`]: metricsPod(name) }, `bench: ${name}`);
    const sampled = until(() => targetUp(name));
    toRunning.push((await running).get(name)! - t0);
    toSample.push((await sampled) - t0);
    const gone = cluster.when([name], 'gone');
    const d0 = performance.now();
    await cluster.push({ [`${name}.yaml`]: null }, `bench: remove ${name}`);
    await gone;
    toGone.push((await until(async () => !(await targetListed(name)))) - d0);
  }
  const gaps = toSample.map((s, i) => s - toRunning[i]!);
  const [running50, sample50] = [pct(toRunning, 50), pct(toSample, 50)];
  console.log(
    [
      `discovery (${ROUNDS} pods, one at a time): commit → Running p50 ${ms(running50)} (baseline)`,
      `commit → first sample p50 ${ms(sample50)} (${(sample50 / running50).toFixed(2)}× the baseline)`,
      `Running → first sample p50 ${ms(pct(gaps, 50))}, max ${ms(Math.max(...gaps))}`,
      `delete → target gone p50 ${ms(pct(toGone, 50))}, max ${ms(Math.max(...toGone))}`,
    ].join('; '),
  );

  const nodes = (await cluster.client.list('Node')).items.map((n) => n.metadata.name).sort();
  const mem = [`Prometheus ${await rssMiB('prometheus')}`, `gateway ${await rssMiB('gateway')}`];
  for (const n of nodes) mem.push(`${n}: node exporter ${await rssMiB(`node-exporter-${n}`)}, agent ${await rssMiB(`agent-${n}`)}`);
  console.log(`memory (resident): ${mem.join('; ')}`);

  const node = (await cluster.client.get({ kind: 'Node', name: NODE }))!;
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const cadvisor = `https://${ip}:${node.status?.daemonEndpoints?.agentPort ?? 10250}/metrics/cadvisor`;
  const before = { scrape: await scrapeDuration('cadvisor'), get: await timedGets(cadvisor, 50), exporter: await scrapeDuration('node-exporter') };
  const names = Array.from({ length: PODS }, (_, i) => `bench-obs-load-${run}-${i}`);
  const running = cluster.when(names, 'Running');
  await cluster.push(Object.fromEntries(names.map((n) => [`${n}.yaml`, metricsPod(n, { 'minik8s.io/hostname': NODE })])), `bench: ${PODS} pods on ${NODE}`);
  await running;
  // Two sampling rounds (5 s each) so every new container is in the agent's latest samples, then a minute of scrapes.
  await until(
    async () => Number((await query(`count(container_memory_working_set_bytes{node="${NODE}",pod=~"bench-obs-load-.*"})`))[0]?.value[1] ?? 0) === PODS,
    120_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  const after = { scrape: await scrapeDuration('cadvisor'), get: await timedGets(cadvisor, 50), exporter: await scrapeDuration('node-exporter') };
  // The agent's CPU with the pods: idle (only Prometheus' scrapes every 5 s and its own sampling) as the
  // baseline, then while /metrics/cadvisor is fetched back to back; the difference per request is one scrape's cost.
  const agentPid = await programPid(`agent-${NODE}`);
  const idle = await cpuShare(agentPid, CPU_WINDOW_MS);
  const busy = await cpuShare(agentPid, CPU_WINDOW_MS, (signal) => hammer(cadvisor, signal));
  const idleRate = idle.cpu / idle.seconds;
  const perScrapeMs = ((busy.cpu - idleRate * busy.seconds) / busy.requests) * 1000;
  const gone = cluster.when(names, 'gone');
  await cluster.push(Object.fromEntries(names.map((n) => [`${n}.yaml`, null])), 'bench: remove the load pods');
  await gone;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(
    [
      `agent /metrics/cadvisor on ${NODE}: before the ${PODS} pods — Prometheus scrape ${before.scrape.toFixed(1)} ms`,
      `GET p50 ${before.get.p50.toFixed(1)} ms (${before.get.bytes} B)`,
      `with them — scrape ${after.scrape.toFixed(1)} ms (${ratio(after.scrape, before.scrape)})`,
      `GET p50 ${after.get.p50.toFixed(1)} ms (${ratio(after.get.p50, before.get.p50)}, ${after.get.bytes} B)`,
      `node-exporter scrape beside it ${before.exporter.toFixed(1)} → ${after.exporter.toFixed(1)} ms`,
    ].join(', '),
  );
  const busyRate = busy.cpu / busy.seconds;
  console.log(
    [
      `agent CPU on ${NODE} with the ${PODS} pods: idle ${(idleRate * 100).toFixed(1)}% of a core (baseline)`,
      `fetching /metrics/cadvisor back to back ${(busyRate * 100).toFixed(1)}% (${ratio(busyRate, idleRate)} the baseline, ` +
        `${busy.requests} scrapes in ${busy.seconds.toFixed(0)} s)`,
      `${perScrapeMs.toFixed(1)} ms CPU per scrape, ${((perScrapeMs / 5000) * 100).toFixed(2)}% of a core at Prometheus' 5 s interval`,
    ].join('; '),
  );

  // The cluster-repo example, as a user would deploy it: its own metrics appear with no Prometheus change. A
  // cluster seeded from cluster-repo/ runs it already (a second copy would be refused as a duplicate Deployment).
  const deployed = await query('sum(shop_orders_total{app="orders"})');
  if (deployed.length > 0)
    console.log(`cluster-repo/apps/orders-metrics.yaml: deployed from the seed repository; ${deployed[0]?.value[1]} orders counted so far`);
  else {
    const example = await readFile(new URL('../../cluster-repo/apps/orders-metrics.yaml', import.meta.url), 'utf8');
    const e0 = performance.now();
    await cluster.push({ 'orders-metrics.yaml': example }, 'bench: the orders example');
    const seen = await until(async () => (await query('shop_orders_total{app="orders"}')).length > 0, 180_000);
    console.log(`cluster-repo/apps/orders-metrics.yaml: commit → shop_orders_total in Prometheus ${ms(seen - e0)} (image pull included)`);
    await cluster.push({ 'orders-metrics.yaml': null }, 'bench: remove the orders example');
  }
} finally {
  await cluster.close();
}
