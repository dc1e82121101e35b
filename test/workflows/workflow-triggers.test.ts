import { randomBytes } from 'node:crypto';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { stringify as toYaml } from 'yaml';
import type { ApiClient } from '../../common/client/api-client.js';
import { kafkaClientConfig, retryRetriable } from '../../common/functions/kafka-clients.js';
import { createLogger } from '../../common/log/log.js';
import { type Execution, type FunctionTrigger, type Json, LABEL_WORKFLOW, type Workflow } from '../../common/schema/index.js';
import { startGateway } from '../../gateway/gateway.js';
import { triggerGroup } from '../../gateway/kafka-triggers.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { serveKafkaFunctions } from '../helpers/kafka-functions.js';
import { cloneRepo, commitAndPush } from '../sync/git-cluster.js';

const clients = testKafkaClients();
const maybe = clients ? test.serial : test.skip;
const unique = () => randomBytes(4).toString('hex');
const pass = { StartAt: 'P', States: { P: { Type: 'Pass' as const, End: true as const } } };

function workflow(name: string, definition: Workflow['spec']['definition'], triggers: FunctionTrigger[]): Workflow {
  return { apiVersion: 'minik8s.io/v1', kind: 'Workflow', metadata: { name, namespace: 'default' }, spec: { definition, triggers } };
}

async function cluster(t: Parameters<typeof startTestControlPlane>[0]) {
  const id = unique();
  return startTestControlPlane(t, { kafka: clients!, workflowReplies: { topic: `test.workflow-replies.${id}`, group: `test.workflows.${id}` } });
}

/** Waits on the API's watch until the workflow's finished executions satisfy `done`; they are returned by name. */
async function waitForExecutions(client: ApiClient, wf: string, done: (finished: Execution[]) => boolean, timeoutMs = 60_000): Promise<Execution[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const finished = new Map<string, Execution>();
  const note = (e: Execution) => {
    if (e.status && e.status.phase !== 'Running') finished.set(e.metadata.name, e);
  };
  const list = await client.list('Execution', { namespace: 'default', labelSelector: `${LABEL_WORKFLOW}=${wf}` });
  list.items.forEach(note);
  if (done([...finished.values()])) return [...finished.values()];
  for await (const e of client.watch(
    'Execution',
    { namespace: 'default', labelSelector: `${LABEL_WORKFLOW}=${wf}`, resourceVersion: list.resourceVersion },
    signal,
  )) {
    if (e.type !== 'DELETED') note(e.object);
    if (done([...finished.values()])) return [...finished.values()];
  }
  throw new Error(`the executions of ${wf} never matched; finished: ${[...finished.keys()].join(', ')}`);
}

maybe('a schedule trigger starts one execution per tick, with the trigger’s data as input', async (t) => {
  const c = await cluster(t);
  await c.cp.store.create(workflow('ticks', pass, [{ schedule: '* * * * * *', data: { from: 'schedule' } }]));
  const runs = await waitForExecutions(c.client, 'ticks', (f) => f.length >= 2);
  for (const e of runs) {
    t.is(e.spec.startedBy, 'schedule');
    t.is(e.status?.phase, 'Succeeded');
    t.deepEqual(e.status?.output, { from: 'schedule' });
  }
  const startTimes = runs.map((e) => e.status!.startTime);
  t.is(new Set(startTimes).size, runs.length, 'each tick started its own execution');
});

maybe('a git trigger starts an execution for a pushed commit that changes a matching file, with the commit and its files', async (t) => {
  const c = await cluster(t);
  const clone = await cloneRepo(t, c.pushUrl);
  const manifest = toYaml(workflow('on-upload', pass, [{ git: { paths: 'uploads/**' } }]));
  const first = await commitAndPush(clone, { 'flows/on-upload.yaml': manifest });
  t.true(first.ok, first.output);
  // A commit that touches no matching file starts nothing; the one after it does.
  const other = await commitAndPush(clone, { 'notes/a.md': 'not an upload\n' });
  const upload = await commitAndPush(clone, { 'uploads/cat.jpg': 'not really a cat\n', 'notes/b.md': 'b\n' });
  if (!other.ok || !upload.ok) throw new Error('push refused');
  const [run] = await waitForExecutions(c.client, 'on-upload', (f) => f.length >= 1);
  t.is(run?.spec.startedBy, 'git');
  t.deepEqual(run?.status?.output, { commit: upload.revision, previous: other.revision, files: ['uploads/cat.jpg'] });
  // The workflow's own push and the unrelated commit started none.
  t.is((await c.client.list('Execution', { namespace: 'default', labelSelector: `${LABEL_WORKFLOW}=on-upload` })).items.length, 1);
});

maybe('a kafka trigger starts an execution per message through the gateway, and a message delivered again starts none', async (t) => {
  const c = await cluster(t);
  const f = `shout-${unique()}`;
  const fns = await serveKafkaFunctions(clients!, 'default', { [f]: (i) => ({ said: String((i as { say: string }).say).toUpperCase() }) });
  t.teardown(() => fns.stop());
  const topic = `test.uploads.${unique()}`;
  const wf = workflow('on-message', { StartAt: 'Shout', States: { Shout: { Type: 'Task', Resource: f, End: true } } }, [{ kafka: { topic } }]);
  await c.cp.store.create(wf);

  // The messages are on the topic before the gateway runs; the trigger's group is set to read them from the start.
  const kafka = new Kafka({ ...kafkaClientConfig(clients!, 'controlplane', 'host', 'test-producer'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await retryRetriable(() => admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }));
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const says = ['one', 'two', 'three'];
  await producer.send({ topic, messages: says.map((say) => ({ value: JSON.stringify({ say }) })) });
  const group = triggerGroup({ kind: 'Workflow', namespace: 'default', name: 'on-message', triggers: [] });
  const fromStart = () => admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
  await fromStart();

  // The gateway runs in this process, so it reaches the broker's host listener.
  const gatewayKafka = { ...clients!, bridgeBrokers: clients!.brokers };
  const runGateway = () => startGateway({ api: c.client, address: '127.0.0.1', port: 0, log: createLogger('test-gateway'), kafka: gatewayKafka });
  let gw = await runGateway();
  t.teardown(() => gw.stop());
  const runs = await waitForExecutions(c.client, 'on-message', (done) => done.length >= 3);
  t.deepEqual(runs.map((e) => (e.status?.output as { said?: string } | undefined)?.said).sort(), ['ONE', 'THREE', 'TWO']);
  t.true(runs.every((e) => e.spec.startedBy === 'kafka'));
  const said = (x: Json) => x as { say: string };
  t.deepEqual(runs.map((e) => said(e.spec.input).say).sort(), [...says].sort());

  // Delivered again (the group rewound while no gateway reads it): the same executions, no new ones.
  await gw.stop();
  await fromStart();
  gw = await runGateway();
  await producer.send({ topic, messages: [{ value: JSON.stringify({ say: 'four' }) }] });
  const after = await waitForExecutions(c.client, 'on-message', (done) => done.some((e) => said(e.spec.input).say === 'four'));
  t.is(after.length, 4);
  t.is(fns.calls.size, 4);
});
