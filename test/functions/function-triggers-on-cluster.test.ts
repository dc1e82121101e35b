import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { stringify as toYaml } from 'yaml';
import { functionTopic, type InvocationRequest, parseInvocationRequest } from '../../common/functions/invocation.js';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import { processRegistry } from '../../common/metrics/registry.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { eventually } from '../node-agent/agent-harness.js';
import { cloneRepo, commitAndPush } from '../sync/git-cluster.js';

const clients = testKafkaClients();
const maybe = clients ? test : test.skip;

const HANDLER = 'def handle(event, context):\n    return event.json\n';

/**
 * The control plane's triggers on the real broker: what they send is read from the function's topic by a
 * consumer of the test's own (the gateway's part, running the calls, is the functions cluster test's).
 */
maybe('schedule ticks fire exactly once across a control-plane restart, and a push touching the git paths calls the function', async (t) => {
  t.timeout(3 * 60_000);
  const cluster = await startTestControlPlane(t, { kafka: clients! });
  const clone = await cloneRepo(t, cluster.pushUrl);
  const name = `ticker-${randomUUID().slice(0, 6)}`;
  const manifest = {
    apiVersion: 'minik8s.io/v1',
    kind: 'Function',
    metadata: { name },
    spec: { source: `functions/${name}/`, triggers: [{ schedule: '* * * * * *', data: { every: 'second' } }, { git: { paths: 'docs/**' } }] },
  };
  const pushed = await commitAndPush(clone, { [`functions/${name}/handler.py`]: HANDLER, [`${name}.yaml`]: toYaml(manifest) });
  if (!pushed.ok) throw new Error(pushed.output);
  await waitForObject(cluster.client, 'Function', name, (f) => f?.status?.revision === pushed.revision, { timeoutMs: 20_000 });

  // The controller makes the function's topic; read everything sent to it from the start.
  const kafka = new Kafka({ ...kafkaClientConfig(clients!, 'gateway', 'host'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const topic = functionTopic('default', name);
  t.true(await eventually(async () => (await admin.listTopics()).includes(topic), 20_000), 'the function topic exists');
  const calls: InvocationRequest[] = [];
  const consumer = kafka.consumer({ groupId: `test-${name}` });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void calls.push(parseInvocationRequest(message.value)) });
  const ticks = () => calls.filter((c) => c.source === 'schedule').map((c) => Date.parse(c.headers['x-minik8s-tick']!));

  t.true(await eventually(async () => ticks().length >= 3, 30_000), 'the schedule fires every second');
  t.deepEqual(JSON.parse(Buffer.from(calls.find((c) => c.source === 'schedule')!.body, 'base64').toString()), { every: 'second' });
  await cluster.stopControlPlane();
  const stoppedAt = Date.now();
  await delay(2500); // the outage itself: at least two ticks fall while no control plane runs
  await cluster.startControlPlane();
  const restartedAt = Date.now();
  t.true(await eventually(async () => ticks().some((tick) => tick > restartedAt + 2000), 30_000), 'it fires again after the restart');

  // Every second from the first tick to the last, each once: none lost in the outage, none fired twice.
  const seen = ticks().sort((a, b) => a - b);
  const first = seen[0]!;
  const last = seen.at(-1)!;
  t.is(new Set(seen).size, seen.length, `a tick fired twice: ${seen.map((s) => new Date(s).toISOString()).join(' ')}`);
  t.is(seen.length, (last - first) / 1000 + 1, `a tick is missing between ${new Date(first).toISOString()} and ${new Date(last).toISOString()}`);
  t.true(seen.filter((tick) => tick > stoppedAt && tick < restartedAt).length >= 2, 'the ticks of the outage fired late');

  // A commit touching docs/** calls the function once, with the commit and the files it changed there.
  const docs = await commitAndPush(clone, { 'docs/guide.md': '# guide\n', 'other.txt': 'x\n' }, 'docs');
  if (!docs.ok) throw new Error(docs.output);
  t.true(await eventually(async () => calls.some((c) => c.source === 'git'), 30_000), 'the git trigger fired');
  const git = calls.filter((c) => c.source === 'git');
  t.is(git.length, 1);
  t.deepEqual(JSON.parse(Buffer.from(git[0]!.body, 'base64').toString()), { commit: docs.revision, previous: pushed.revision, files: ['docs/guide.md'] });

  // No gateway runs these calls here: every one sent is backlog, which the control plane's metrics show.
  const lagLine = new RegExp(`minik8s_function_kafka_lag\\{namespace="default",function="${name}"\\} (\\d+)`);
  const lag = async () => Number(lagLine.exec(await processRegistry.getSingleMetricAsString('minik8s_function_kafka_lag'))?.[1] ?? 0);
  t.true(await eventually(async () => (await lag()) >= seen.length, 20_000), `lag ${await lag()}, ${seen.length} ticks sent`);
});
