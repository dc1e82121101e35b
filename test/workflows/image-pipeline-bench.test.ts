/**
 * `npm run bench:image-pipeline`: the image-pipeline application (cluster-repo/image-pipeline) on the test
 * harness's three nodes, Kafka and etcd, under 20 and then 50 clients for 60 s each (vegeta, open loop: each
 * client uploads an image every 10 s, so 2 and 5 executions a second), beside its baseline from the same run:
 * one client at a time, warm. Reports latency, success, instances per function over time and cold starts.
 * Skipped in the ordinary suite (MINIK8S_BENCH unset).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import { httpCall } from '../functions/function-http-call.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { startTestCluster } from '../helpers/test-cluster.js';

const run = promisify(execFile);
const kafka = testKafkaClients();
const bench = process.env.MINIK8S_BENCH === 'image-pipeline' && kafka && process.env.MINIK8S_TEST_NODES ? test : test.skip;
const VEGETA = process.env.VEGETA ?? '/var/cache/minik8s/go/bin/vegeta';
const APP = new URL('../../cluster-repo/image-pipeline/', import.meta.url).pathname;
const FUNCTIONS = ['image-ingest', 'image-metadata', 'image-thumbnail', 'image-watermark', 'image-record'];
const SECONDS_PER_UPLOAD = 10;
const BASELINE_RUNS = Number(process.env.MINIK8S_BENCH_ROUNDS ?? 20);
/** The loads, in clients, one after the other (MINIK8S_BENCH_CLIENTS=50 for one of them alone). */
const LOADS = (process.env.MINIK8S_BENCH_CLIENTS ?? '20,50').split(',').map(Number);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
/** The n-th upload: a drawn picture, mostly 640×480, every fifth 1600×1200 (over 2 megapixels: the large thumbnail). */
const upload = (n: number) => ({ generate: n % 5 === 4 ? { width: 1600, height: 1200, seed: n } : { width: 640, height: 480, seed: n } });

interface VegetaReport {
  latencies: { '50th': number; '99th': number };
  throughput: number;
  success: number;
  requests: number;
  status_codes: Record<string, number>;
}

bench('image pipeline under 20 and 50 clients, beside one client at a time', async (t) => {
  t.timeout(30 * 60_000);
  const cluster = await startTestCluster(t, { controlPlane: { kafka: kafka! } });
  await startGatewayProcess(t, cluster, ['--kafka', process.env.MINIK8S_TEST_KAFKA_CLIENTS!]);
  const node = cluster.nodes[0]!;
  const url = `http://${node.ip}/workflow/image-pipeline?timeout=120`;

  // The application as it is in the example repository, under the same paths.
  const files: Record<string, string> = {};
  for (const f of ['pipeline.yaml', 'store.yaml']) files[`image-pipeline/${f}`] = await readFile(join(APP, f), 'utf8');
  for (const f of await readdir(join(APP, 'functions')))
    if (f.endsWith('.py')) files[`image-pipeline/functions/${f}`] = await readFile(join(APP, 'functions', f), 'utf8');
  const pushed = await cluster.push(files, 'image pipeline');
  if (!pushed.ok) throw new Error('push refused');
  for (const name of FUNCTIONS) await waitForObject(cluster.client, 'Function', name, (f) => f?.status?.revision === pushed.revision, { timeoutMs: 60_000 });
  await waitForObject(cluster.client, 'Deployment', 'image-store', (d) => (d?.status?.availableReplicas ?? 0) >= 1, { timeoutMs: 180_000 });

  const instances = async () => {
    const pods = (await cluster.client.list('Pod')).items;
    return FUNCTIONS.map((fn) => pods.filter((p) => p.metadata.labels?.[LABEL_FUNCTION] === fn));
  };
  const seen = new Set<string>();
  const noteInstances = async () => {
    const perFunction = await instances();
    for (const pods of perFunction) for (const p of pods) seen.add(p.metadata.name);
    return perFunction.map((pods) => pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
  };

  // Cold: the first execution starts every function from zero.
  const t0 = Date.now();
  const first = await httpCall(url, { body: JSON.stringify(upload(0)), timeoutMs: 180_000 });
  const coldMs = Date.now() - t0;
  if (first.status !== 200) throw new Error(`first execution: ${first.status} ${first.body}`);
  await noteInstances();

  // Baseline: one client, one execution after the other, warm.
  const alone: number[] = [];
  for (let i = 1; i <= BASELINE_RUNS; i++) {
    const s = Date.now();
    const r = await httpCall(url, { body: JSON.stringify(upload(i)), timeoutMs: 180_000 });
    if (r.status !== 200) throw new Error(`baseline execution ${i}: ${r.status} ${r.body}`);
    alone.push(Date.now() - s);
  }

  const dir = await mkdtemp(join(tmpdir(), 'minik8s-bench-pipeline-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const targets = join(dir, 'targets.jsonl');
  await writeFile(
    targets,
    Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        method: 'POST',
        url,
        header: { 'Content-Type': ['application/json'] },
        body: Buffer.from(JSON.stringify(upload(1000 + i))).toString('base64'),
      }),
    ).join('\n'),
  );
  const load = async (clients: number) => {
    const before = new Set(seen);
    const series: number[][] = [];
    const sampler = setInterval(() => void noteInstances().then((counts) => series.push(counts)), 5000);
    const rate = `${clients}/${SECONDS_PER_UPLOAD}s`;
    const { stdout } = await run(
      'bash',
      [
        '-c',
        `nsenter --net=${node.netns} ${VEGETA} attack -format=json -targets=${targets} -rate=${rate} -duration=60s -timeout=130s -workers=${clients}` +
          ` | ${VEGETA} report -type=json`,
      ],
      { maxBuffer: 64 << 20 },
    );
    clearInterval(sampler);
    await noteInstances();
    const report = JSON.parse(stdout) as VegetaReport;
    const cold = [...seen].filter((p) => !before.has(p)).length;
    const peaks = FUNCTIONS.map((fn, i) => `${fn.replace('image-', '')} ${Math.max(0, ...series.map((s) => s[i]!))}`);
    const over = FUNCTIONS.map((fn, i) => `${fn.replace('image-', '')}: ${series.map((s) => s[i]).join(' ')}`);
    return { clients, rate, report, cold, peaks, over };
  };
  const loads = [];
  for (const clients of LOADS) loads.push(await load(clients));

  t.log(`first execution, every function from zero: ${ms(coldMs)}; instances then ${seen.size}`);
  t.log(`baseline, 1 client, ${BASELINE_RUNS} executions one after the other: p50 ${ms(pct(alone, 50))}, p99 ${ms(pct(alone, 99))}`);
  for (const l of loads) {
    const failed = l.report.requests - Math.round(l.report.success * l.report.requests);
    const [p50, p99] = [l.report.latencies['50th'] / 1e6, l.report.latencies['99th'] / 1e6];
    t.log(
      [
        `${l.clients} clients (${l.rate}, 60 s): ${l.report.requests} executions, ${failed} failed ${JSON.stringify(l.report.status_codes)}, ` +
          `${l.report.throughput.toFixed(2)}/s done, p50 ${ms(p50)} (${(p50 / pct(alone, 50)).toFixed(2)}× baseline), ` +
          `p99 ${ms(p99)} (${(p99 / pct(alone, 99)).toFixed(2)}×)`,
        `  cold starts (instances started during the run): ${l.cold}; most instances at once: ${l.peaks.join(', ')}`,
        `  ready instances every 5 s: ${l.over.join('; ')}`,
      ].join('\n'),
    );
  }
  t.pass();
});
