import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { stringify as toYaml } from 'yaml';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import { fetchInvokeToken } from '../../common/functions/function-token.js';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import { mkctlInProcess } from '../cli/run-mkctl.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';
import { httpCall } from './function-http-call.js';

const kafka = testKafkaClients();
const maybe = kafka && process.env.MINIK8S_TEST_NODES ? test : test.skip;

const fnYaml = (name: string, spec: object) => toYaml({ apiVersion: 'minik8s.io/v1', kind: 'Function', metadata: { name }, spec });
const HELLO_V1 = `import time

def handle(event, context):
    q = event.query
    if q.get("fail"):
        raise ValueError("asked to fail")
    if q.get("sleep"):
        time.sleep(float(q["sleep"]))
    return {"hello": (event.json or {}).get("name", "world"), "path": event.path, "call": context.call_id}
`;
const HELLO_V2 = `import time

def handle(event, context):
    time.sleep(float(event.query.get("sleep", 0)))
    return {"version": 2, "got": event.json}
`;
/** The topic of the function's kafka trigger: one per run, the broker keeps topics across runs. */
const ORDERS = `test.orders.${randomUUID().slice(0, 8)}`;

maybe('a pushed function answers through the gateway, takes new code without a restart, fails cleanly, runs async calls and scales to zero', async (t) => {
  t.timeout(30 * 60_000); // the test nodes may be busy with another cluster test first
  const cluster = await startTestCluster(t, { controlPlane: { kafka: kafka! } });
  await startGatewayProcess(t, cluster, ['--kafka', process.env.MINIK8S_TEST_KAFKA_CLIENTS!]);
  const gateway = `http://${cluster.nodes[0]!.ip}`;
  const broker = new Kafka({ ...kafkaClientConfig(kafka!, 'gateway', 'host'), logLevel: logLevel.NOTHING });
  const admin = broker.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());

  // A syntax error is refused at the push, naming the file and the line.
  const refused = await t.throwsAsync(
    cluster.push({ 'functions/bad/handler.py': 'def handle(event, context)\n    return 1\n', 'bad.yaml': fnYaml('bad', { source: 'functions/bad/' }) }),
  );
  t.regex(refused!.message, /functions\/bad\/handler\.py:1:\d+: SyntaxError/);
  const missing = await t.throwsAsync(cluster.push({ 'nothere.yaml': fnYaml('nothere', { source: 'functions/nothere/' }) }));
  t.regex(missing!.message, /nothere\.yaml:\d+: spec\.source: Function nothere: no file or folder "functions\/nothere\/"/);

  // The refused commits stay in the test's clone: this push takes their files out again.
  const v1 = await cluster.push({
    'functions/bad/handler.py': null,
    'bad.yaml': null,
    'nothere.yaml': null,
    'functions/hello/handler.py': HELLO_V1,
    'hello.yaml': fnYaml('hello', {
      source: 'functions/hello/',
      timeoutSeconds: 2,
      scale: { scaleToZeroAfterSeconds: 4, maxScale: 3, target: 2 },
      triggers: [{ kafka: { topic: ORDERS } }],
    }),
  });
  if (!v1.ok) throw new Error('push refused');
  await waitForObject(cluster.client, 'Function', 'hello', (f) => f?.status?.revision === v1.revision && !!f.status.invokeTokenSha256, {
    timeoutMs: 20_000,
  });

  // Private by default: no token or a wrong one is refused at the gateway; the admin reads the token from the API.
  const anonymous = await httpCall(`${gateway}/function/hello`);
  t.is(anonymous.status, 401, anonymous.body);
  t.regex(String(anonymous.headers['www-authenticate']), /^Bearer/);
  t.is((await httpCall(`${gateway}/function/hello`, { headers: { authorization: 'Bearer function.default/hello.00' } })).status, 401);
  const token = await fetchInvokeToken(cluster.client, 'default', 'hello');
  const call = (path: string, opts: Parameters<typeof httpCall>[1] = {}) =>
    httpCall(`${gateway}${path}`, { ...opts, headers: { ...opts.headers, authorization: `Bearer ${token}` } });

  // Cold start: the first call is held until an instance is Ready, then answered.
  const started = Date.now();
  const first = await call('/function/hello/some/path?x=1', {
    body: JSON.stringify({ name: 'minik8s' }),
    headers: { 'content-type': 'application/json' },
  });
  t.log(`cold start through the gateway: ${Date.now() - started} ms`);
  t.is(first.status, 200, first.body);
  t.like(JSON.parse(first.body), { hello: 'minik8s', path: '/some/path' });
  t.is(first.headers['x-minik8s-revision'], v1.revision);
  const [pod] = (await cluster.client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=hello` })).items;
  t.truthy(pod);

  // An exception is a 500 with its type and message; a call past the timeout a 504, and the instance still serves.
  const failed = await call(`/function/hello?fail=1`);
  t.is(failed.status, 500);
  t.deepEqual(JSON.parse(failed.body), { error: 'ValueError', message: 'asked to fail' });
  const slow = await call(`/function/hello?sleep=10`);
  t.is(slow.status, 504, slow.body);
  t.is((await call(`/function/default/hello`)).status, 200);

  // A code-only push: the next calls answer from the new revision, and no pod was restarted or replaced.
  const v2 = await cluster.push({ 'functions/hello/handler.py': HELLO_V2 }, 'new code');
  if (!v2.ok) throw new Error('push refused');
  const pushed = Date.now();
  t.true(await eventually(async () => (await call(`/function/hello`)).headers['x-minik8s-revision'] === v2.revision, 30_000));
  t.log(`push → first answer from the new code: ${Date.now() - pushed} ms`);
  t.deepEqual(JSON.parse((await call(`/function/hello`)).body), { version: 2, got: null });
  const after = await cluster.client.get({ kind: 'Pod', namespace: 'default', name: pod!.metadata.name });
  t.is(after?.metadata.uid, pod!.metadata.uid);
  t.is(after?.status?.containerStatuses?.[0]?.restartCount, 0);

  // Asynchronous: 202 and a call id at once, the result by id once done.
  const accepted = await call(`/async-function/hello`, { body: '{}' });
  t.is(accepted.status, 202);
  const { callId } = JSON.parse(accepted.body) as { callId: string };
  let result = await call(`/function-calls/${callId}`);
  t.true(await eventually(async () => (result = await call(`/function-calls/${callId}`)).status === 200, 30_000), result.body);
  t.deepEqual(JSON.parse(result.body), { version: 2, got: null });

  // mkctl, as a user calls a private function: the token read with the admin's credential, the answer printed, the
  // asynchronous call's id, a failed call's exit code, and the function in kubectl's table shape.
  const invoked = await mkctlInProcess(cluster.configPath, ['invoke', 'hello', '-d', '{"name":"cli"}']);
  t.is(invoked.code, 0, invoked.stderr);
  t.deepEqual(JSON.parse(invoked.stdout), { version: 2, got: { name: 'cli' } });
  const queued = await mkctlInProcess(cluster.configPath, ['invoke', 'hello', '--async']);
  t.is(queued.code, 0, queued.stderr);
  t.true(await eventually(async () => (await call(`/function-calls/${queued.stdout.trim()}`)).status === 200, 30_000), queued.stdout);
  const unknown = await mkctlInProcess(cluster.configPath, ['invoke', 'nosuch']);
  t.not(unknown.code, 0);
  t.regex(unknown.stderr, /nosuch/);
  const table = await mkctlInProcess(cluster.configPath, ['get', 'functions']);
  t.regex(table.stdout, /^NAME\s+READY\s+INVOCATIONS\s+LAST CALL\s+AGE\nhello\s+\d+\/\d+\s+\d+\s+(\S+ ago|<none>)\s+\S+\n/);

  // A kafka trigger: each message on the topic is a call (from the latest offset once the gateway's group joined);
  // its result is read like an asynchronous call's, by the id kafka-NAMESPACE-FUNCTION-TOPIC-PARTITION-OFFSET.
  const group = `minik8s.trigger.default_hello`;
  t.true(await eventually(async () => (await admin.describeGroups([group])).groups[0]?.state === 'Stable', 60_000), 'the gateway consumes the trigger topic');
  const producer = broker.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const sent = await producer.send({ topic: ORDERS, messages: [0, 1, 2].map((n) => ({ key: 'order', value: JSON.stringify({ order: n }) })) });
  const base = Number(sent[0]!.baseOffset);
  for (const n of [0, 1, 2]) {
    const id = `kafka-default-hello-${ORDERS}-0-${base + n}`;
    let order = await call(`/function-calls/${id}`);
    t.true(await eventually(async () => (order = await call(`/function-calls/${id}`)).status === 200, 30_000), order.body);
    t.deepEqual(JSON.parse(order.body), { version: 2, got: { order: n } });
  }

  // Under load (12 clients, 2 calls per instance targeted) it scales out over the nodes, and no call fails meanwhile.
  const statuses: number[] = [];
  let scaled = false;
  const client = async () => {
    while (!scaled) statuses.push((await call(`/function/hello?sleep=0.3`).catch(() => ({ status: 0 }))).status);
  };
  const clients = Array.from({ length: 12 }, client);
  scaled = await eventually(
    async () => (await cluster.client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=hello` })).items.filter((p) => p.status?.podIP).length >= 2,
    90_000,
  );
  await Promise.all(clients);
  t.true(scaled, 'a second instance started');
  t.deepEqual([...new Set(statuses)], [200], `${statuses.length} calls`);

  // Idle past scaleToZeroAfterSeconds: the instances go, and the next call starts one again.
  await waitForObject(cluster.client, 'Function', 'hello', (f) => f?.status?.replicas === 0, { timeoutMs: 60_000 });
  t.true(await eventually(async () => (await cluster.client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=hello` })).items.length === 0, 30_000));
  t.is((await call(`/function/hello`)).status, 200);
  const events = (await cluster.client.list('Event')).items.filter((e) => e.involvedObject.name === 'hello').map((e) => e.reason);
  t.true(
    ['ScaledFromZero', 'ScaledToZero', 'CodeUpdated'].every((r) => events.includes(r)),
    events.join(','),
  );
});
