/**
 * `npm run bench:functions`: the figures of the functions README section, each beside its baseline from the same
 * run, on the test harness's three nodes, Kafka and etcd. Skipped in the ordinary suite (MINIK8S_BENCH unset).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { stringify as toYaml } from 'yaml';
import { LABEL_FUNCTION, RUNTIME_IMAGE, RUNTIME_PORT } from '../../common/functions/function-labels.js';
import { functionTopic, parseInvocationReply } from '../../common/functions/invocation.js';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';
import { httpCall } from './function-http-call.js';

const run = promisify(execFile);
const kafka = testKafkaClients();
const bench = process.env.MINIK8S_BENCH && kafka && process.env.MINIK8S_TEST_NODES ? test : test.skip;
const ROUNDS = Number(process.env.MINIK8S_BENCH_ROUNDS ?? 20);
const VEGETA = process.env.VEGETA ?? '/var/cache/minik8s/go/bin/vegeta';
const CODE = 'def handle(event, context):\n    return {"ok": True}\n';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/**
 * When the cold instance's pod reached each stage, in ms after the call at `t0`: created, bound, its
 * container created and started (the agent's events), Ready (the condition), answered.
 */
async function coldStartStages(client: TestCluster['client'], t0: number, answered: number): Promise<Record<string, number>> {
  const [pod] = (await client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=cold` })).items.filter(
    (p) => Date.parse(p.metadata.creationTimestamp ?? '') >= t0,
  );
  if (!pod) return {};
  const events = (await client.list('Event', { namespace: 'default' })).items.filter((e) => e.involvedObject.uid === pod.metadata.uid);
  const at = (iso: string | undefined) => (iso ? Date.parse(iso) - t0 : NaN);
  const eventAt = (reason: string) => at(events.find((e) => e.reason === reason)?.firstTimestamp);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return {
    podCreated: at(pod.metadata.creationTimestamp),
    scheduled: eventAt('Scheduled'),
    containerCreated: eventAt('Created'),
    started: eventAt('Started'),
    ready: at(ready?.lastTransitionTime),
    answered: answered - t0,
  };
}

bench('functions: cold start, warm latency, load and hot reload, each beside its baseline', async (t) => {
  t.timeout(30 * 60_000);
  const cluster = await startTestCluster(t, { controlPlane: { kafka: kafka! } });
  await startGatewayProcess(t, cluster, ['--kafka', process.env.MINIK8S_TEST_KAFKA_CLIENTS!]);
  const node = cluster.nodes[0]!;
  const gateway = `http://${node.ip}`;

  // The image as a node pulls it for a pod (from the cluster registry), on every node, before anything is timed: a
  // cold start is an instance starting, not a first pull (the agent pre-pulls it too).
  for (const n of cluster.nodes)
    await new Promise((resolve, reject) =>
      n.docker.pull(RUNTIME_IMAGE, (err: Error | null, stream: NodeJS.ReadableStream) =>
        err ? reject(err) : n.docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve(undefined))),
      ),
    );
  // Baseline: a bare `docker run` of the runtime image with the code bind-mounted, on the node's pod network, until it
  // answers one request (from inside the node's namespace, where the gateway is).
  const code = await mkdtemp(join(tmpdir(), 'minik8s-bench-code-'));
  t.teardown(() => rm(code, { recursive: true, force: true }));
  await run('mkdir', ['-p', join(code, 'v1')]);
  await writeFile(join(code, 'v1', 'handler.py'), CODE);
  await run('ln', ['-s', 'v1', join(code, 'current')]);
  const { stdout: bareRuns } = await run('nsenter', [
    `--net=${node.netns}`,
    process.execPath,
    '--import',
    'tsx',
    new URL('./bare-run-client.ts', import.meta.url).pathname,
    node.dockerSocket,
    RUNTIME_IMAGE,
    code,
    String(RUNTIME_PORT),
    String(ROUNDS),
  ]);
  const bare = JSON.parse(bareRuns) as number[];

  const push = await cluster.push({
    'functions/bench/handler.py': CODE,
    // `cold` goes to zero a second after each call; `bench` keeps an instance (the direct baseline's) and scales on 1 call per instance.
    'cold.yaml': toYaml({
      apiVersion: 'minik8s.io/v1',
      kind: 'Function',
      metadata: { name: 'cold' },
      // Public: the figures are the gateway's path, not the token check (a SHA-256 per call) nor its header.
      spec: { source: 'functions/bench/', public: true, scale: { scaleToZeroAfterSeconds: 1 } },
    }),
    'bench.yaml': toYaml({
      apiVersion: 'minik8s.io/v1',
      kind: 'Function',
      metadata: { name: 'bench' },
      spec: { source: 'functions/bench/', public: true, concurrency: 10, scale: { minScale: 1, maxScale: 6, target: 1 } },
    }),
  });
  if (!push.ok) throw new Error('push refused');
  for (const name of ['cold', 'bench'])
    await waitForObject(cluster.client, 'Function', name, (f) => f?.status?.revision === push.revision, { timeoutMs: 30_000 });
  const instancesOf = async (name: string) => (await cluster.client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=${name}` })).items;
  const instances = () => instancesOf('bench');

  // Cold start: a call at zero instances until its answer, with where the time went (from the instance's pod and events).
  const cold: number[] = [];
  const stages = new Map<string, number[]>();
  for (let i = 0; i < ROUNDS; i++) {
    await waitForObject(cluster.client, 'Function', 'cold', (f) => f?.status?.replicas === 0, { timeoutMs: 60_000 });
    await eventually(async () => (await instancesOf('cold')).length === 0, 60_000);
    const t0 = Date.now();
    const r = await httpCall(`${gateway}/function/cold`);
    if (r.status !== 200) throw new Error(`cold call: ${r.status} ${r.body}`);
    const answered = Date.now();
    cold.push(answered - t0);
    for (const [stage, at] of Object.entries(await coldStartStages(cluster.client, t0, answered))) stages.set(stage, [...(stages.get(stage) ?? []), at]);
  }

  await eventually(
    async () => (await instances()).some((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    60_000,
  );
  // Warm: the same instance through the gateway and straight to its pod, from the gateway's node namespace.
  const [pod] = (await instances()).filter((p) => p.status?.podIP);
  const direct = `http://${pod!.status!.podIP}:${RUNTIME_PORT}/`;
  const { stdout } = await run('nsenter', [
    `--net=${node.netns}`,
    process.execPath,
    '--import',
    'tsx',
    new URL('./bench-client.ts', import.meta.url).pathname,
    '300',
    `${gateway}/function/bench`,
    direct,
  ]);
  const warm = JSON.parse(stdout) as Record<string, number[]>;
  const viaGateway = warm[`${gateway}/function/bench`]!;
  const straight = warm[direct]!;

  // The same calls through Kafka, as a synchronous path over Kafka would make them: produce, the gateway consumes
  // and calls, the reply comes back on a topic of the caller's own.
  const client = new Kafka({ ...kafkaClientConfig(kafka!, 'workflows', 'host', 'minik8s-bench'), logLevel: logLevel.NOTHING });
  const replyTopic = `bench.replies.${randomUUID()}`;
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: replyTopic, numPartitions: 1 }], waitForLeaders: true });
  const producer = client.producer();
  await producer.connect();
  const consumer = client.consumer({ groupId: replyTopic, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: replyTopic, fromBeginning: true });
  const waiting = new Map<string, () => void>();
  await consumer.run({ eachMessage: async ({ message }) => waiting.get(parseInvocationReply(message.value).callId)?.() });
  const viaKafka: number[] = [];
  for (let i = 0; i < 100; i++) {
    const callId = randomUUID();
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => waiting.set(callId, resolve));
    const call = {
      callId,
      namespace: 'default',
      function: 'bench',
      source: 'workflow',
      method: 'GET',
      path: '/',
      query: {},
      headers: {},
      body: '',
      replyTopic,
      enqueuedAt: new Date().toISOString(),
    };
    await producer.send({ topic: functionTopic('default', 'bench'), messages: [{ key: callId, value: JSON.stringify(call) }] });
    await done;
    if (i > 0) viaKafka.push(performance.now() - t0); // the first waits for the consumer group to join
  }
  await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);

  // Load: 50 concurrent clients for 30 s through the gateway (vegeta, open loop at a fixed rate), and straight to one instance.
  const vegeta = async (url: string, rate: number) => {
    const { stdout: report } = await run(
      'bash',
      [
        '-c',
        `echo "GET ${url}" | nsenter --net=${node.netns} ${VEGETA} attack -rate=${rate} -duration=30s -workers=50 -max-workers=50 -keepalive=true ` +
          `| ${VEGETA} report -type=json`,
      ],
      { maxBuffer: 64 << 20 },
    );
    return JSON.parse(report) as {
      latencies: { '50th': number; '99th': number };
      throughput: number;
      success: number;
      status_codes: Record<string, number>;
      requests: number;
    };
  };
  const counts: string[] = [];
  const sampler = setInterval(() => void instances().then((p) => counts.push(String(p.filter((x) => x.status?.podIP).length))), 5000);
  const load = await vegeta(`${gateway}/function/bench`, 400);
  clearInterval(sampler);
  const loadDirect = await vegeta(direct, 400);

  // Hot reload: a code-only push until the first answer from the new code.
  const reload: number[] = [];
  for (let i = 0; i < 5; i++) {
    const p = await cluster.push({ 'functions/bench/handler.py': `${CODE}# ${i}\n` }, `reload ${i}`);
    if (!p.ok) throw new Error('push refused');
    const t0 = Date.now();
    await eventually(async () => (await httpCall(`${gateway}/function/bench`)).headers['x-minik8s-revision'] === p.revision, 30_000);
    reload.push(Date.now() - t0);
  }

  const failed = load.requests - Math.round(load.success * load.requests);
  t.log(`bare docker run of the runtime → first answer (baseline, ${ROUNDS}): p50 ${ms(pct(bare, 50))}, p99 ${ms(pct(bare, 99))}`);
  t.log(
    `cold start through the gateway (${ROUNDS}): p50 ${ms(pct(cold, 50))}, p99 ${ms(pct(cold, 99))} = ` +
      `${(pct(cold, 50) / pct(bare, 50)).toFixed(2)}× the bare run`,
  );
  t.log(`cold start stages, ms after the call (p50): ${[...stages].map(([stage, at]) => `${stage} ${pct(at, 50)}`).join(', ')}`);
  t.log(`warm, straight to the instance (baseline, 300): p50 ${ms(pct(straight, 50))}, p99 ${ms(pct(straight, 99))}`);
  t.log(
    `warm, through the gateway (300): p50 ${ms(pct(viaGateway, 50))}, p99 ${ms(pct(viaGateway, 99))}; ` +
      `added at p50 ${ms(pct(viaGateway, 50) - pct(straight, 50))} = ${(pct(viaGateway, 50) / pct(straight, 50)).toFixed(2)}× direct`,
  );
  t.log(
    `the same call over Kafka (produce → gateway consumer → instance → reply topic; 99 from the host): ` +
      `p50 ${ms(pct(viaKafka, 50))}, p99 ${ms(pct(viaKafka, 99))}`,
  );
  t.log(
    [
      `load via gateway, 50 workers, 400 req/s for 30 s: ${load.requests} requests, ${failed} failed (${JSON.stringify(load.status_codes)})`,
      `p50 ${ms(load.latencies['50th'] / 1e6)}, p99 ${ms(load.latencies['99th'] / 1e6)}, ${load.throughput.toFixed(0)} req/s`,
    ].join(', ') + `; instances every 5 s: ${counts.join(' ')}`,
  );
  t.log(
    `load straight to one instance (baseline): p50 ${ms(loadDirect.latencies['50th'] / 1e6)}, p99 ${ms(loadDirect.latencies['99th'] / 1e6)}, ` +
      `${loadDirect.throughput.toFixed(0)} req/s (${JSON.stringify(loadDirect.status_codes)}); ` +
      `gateway / direct: throughput ${(load.throughput / loadDirect.throughput).toFixed(2)}×, ` +
      `p99 ${(load.latencies['99th'] / loadDirect.latencies['99th']).toFixed(2)}×`,
  );
  t.log(`hot reload, push returned → first answer from the new code (5): p50 ${ms(pct(reload, 50))}, max ${ms(Math.max(...reload))}`);
  t.is(failed, 0);
});
