/**
 * Workflow overhead: a 5-step chain of trivial functions run as a workflow (API create → executor →
 * 5 calls over Kafka → output seen by a watch), beside the same 5 functions called back to back by a
 * client over the same Kafka request/reply path. Warm: the functions answer from a consumer in this
 * process (as the gateway would from a warm instance), so the difference is the engine's: its etcd
 * writes, the watch, the API. Run: npm run bench:workflows (the test harness's etcd and Kafka); skipped in
 * the ordinary suite (MINIK8S_BENCH unset).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { encodeJsonBody, functionTopic, type InvocationRequestInput, parseInvocationReply } from '../../common/functions/invocation.js';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import type { Json, Workflow } from '../../common/schema/index.js';
import { startWorkflow, waitForExecution } from '../../common/workflows/executions.js';
import { ms, pct } from '../bench/local-cluster.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { serveKafkaFunctions } from '../helpers/kafka-functions.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const STEPS = 5;
const clients = testKafkaClients();
const bench = process.env.MINIK8S_BENCH === 'workflows' && clients ? test : test.skip;

bench('workflow overhead: a 5-step chain beside 5 calls back to back over Kafka', async (t) => {
  t.timeout(600_000);
  const id = randomBytes(4).toString('hex');
  const names = Array.from({ length: STEPS }, (_, i) => `bench-step${i + 1}-${id}`);
  const inc = (i: Json) => ({ n: ((i as { n?: number }).n ?? 0) + 1 });
  const fns = await serveKafkaFunctions(clients!, 'default', Object.fromEntries(names.map((n) => [n, inc])));
  t.teardown(() => fns.stop());
  const c = await startTestControlPlane(t, { kafka: clients!, workflowReplies: { topic: `bench.workflow-replies.${id}`, group: `bench.workflows.${id}` } });
  const states = Object.fromEntries(
    names.map((n, i) => [`S${i + 1}`, { Type: 'Task' as const, Resource: n, ...(i < STEPS - 1 ? { Next: `S${i + 2}` } : { End: true as const }) }]),
  );
  const workflow: Workflow = {
    apiVersion: 'minik8s.io/v1',
    kind: 'Workflow',
    metadata: { name: 'bench-chain', namespace: 'default' },
    spec: { definition: { StartAt: 'S1', States: states } },
  };
  await c.cp.store.create(workflow);

  /** A client of the call contract: publish on the function's topic, wait for the reply on its own topic. */
  const kafka = new Kafka({ ...kafkaClientConfig(clients!, 'controlplane', 'host', 'bench-client'), logLevel: logLevel.NOTHING });
  const replyTopic = `bench.replies.${id}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: replyTopic }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: replyTopic });
  await consumer.connect();
  await consumer.subscribe({ topic: replyTopic, fromBeginning: true });
  const waiting = new Map<string, (body: Json) => void>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const r = parseInvocationReply(message.value);
      waiting.get(r.callId)?.(JSON.parse(Buffer.from(r.body, 'base64').toString('utf8')) as Json);
      waiting.delete(r.callId);
    },
  });
  t.teardown(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });

  async function call(fn: string, input: Json): Promise<Json> {
    const callId = randomUUID();
    const answered = new Promise<Json>((resolve) => waiting.set(callId, resolve));
    const request: InvocationRequestInput = {
      callId,
      namespace: 'default',
      function: fn,
      source: 'http-async',
      body: encodeJsonBody(input),
      replyTopic,
      enqueuedAt: new Date().toISOString(),
    };
    await producer.send({ topic: functionTopic('default', fn), messages: [{ key: callId, value: JSON.stringify(request) }] });
    return answered;
  }

  async function direct(): Promise<number> {
    const t0 = performance.now();
    let v: Json = { n: 0 };
    for (const n of names) v = await call(n, v);
    if ((v as { n: number }).n !== STEPS) throw new Error(`direct chain gave ${JSON.stringify(v)}`);
    return performance.now() - t0;
  }

  async function viaWorkflow(): Promise<number> {
    const t0 = performance.now();
    const e = await startWorkflow(c.client, 'default', 'bench-chain', { n: 0 }, 'cli');
    const done = await waitForExecution(c.client, 'default', e.metadata.name, 60_000);
    if ((done?.status?.output as { n?: number } | undefined)?.n !== STEPS) throw new Error(`workflow gave ${JSON.stringify(done?.status)}`);
    return performance.now() - t0;
  }

  for (let i = 0; i < 5; i++) await Promise.all([direct(), viaWorkflow()]); // warm: consumers joined, connections open
  const d: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    d.push(await direct());
    w.push(await viaWorkflow());
  }
  const rows = [
    [`${STEPS} calls back to back, client over Kafka (${RUNS}x)`, ms(pct(d, 50)), ms(pct(d, 99))],
    [`${STEPS}-step workflow, POST → output (${RUNS}x)`, ms(pct(w, 50)), ms(pct(w, 99))],
    ['overhead per step (workflow − direct) / 5', ms((pct(w, 50) - pct(d, 50)) / STEPS), ms((pct(w, 99) - pct(d, 99)) / STEPS)],
    ['ratio workflow / direct', `${(pct(w, 50) / pct(d, 50)).toFixed(2)}x`, `${(pct(w, 99) / pct(d, 99)).toFixed(2)}x`],
  ];
  t.log(['', 'what | p50 | p99', '---|---|---', ...rows.map((r) => r.join(' | '))].join('\n'));
  t.pass();
});
