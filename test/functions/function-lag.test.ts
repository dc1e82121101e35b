import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { functionGroup, functionTopic } from '../../common/functions/invocation.js';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import type { FunctionObject } from '../../common/schema/index.js';
import { FunctionKafka } from '../../reconciler/functions/function-kafka.js';
import { consumerLag, FunctionLagMonitor } from '../../reconciler/functions/function-lag.js';
import { silentLog } from '../helpers/controller-fixture.js';
import { testKafkaClients } from '../helpers/kafka.js';

test('lag is what the group has not committed, a partition it never committed counting from its start', (t) => {
  t.is(consumerLag([]), 0);
  t.is(
    consumerLag([
      { partition: 0, low: '0', high: '10', committed: '7' },
      { partition: 1, low: '4', high: '9', committed: '-1' },
      { partition: 2, low: '0', high: '3', committed: '3' },
    ]),
    8,
  );
});

test("the monitor keeps each function's latest lag, tells of a backlog, and forgets a function gone", async (t) => {
  let functions = [{ apiVersion: 'minik8s.io/v1', kind: 'Function', metadata: { name: 'resize', namespace: 'default' } }] as FunctionObject[];
  const monitor = new FunctionLagMonitor({
    functions: { list: () => functions } as never,
    source: { offsets: async () => [{ partition: 0, low: '0', high: '7', committed: '2' }] },
    log: silentLog,
  });
  const told: string[] = [];
  monitor.onBacklog((key) => told.push(key));
  await monitor.sample();
  t.is(monitor.lagOf('default', 'resize'), 5);
  t.deepEqual(told, ['Function/default/resize']);
  functions = [];
  await monitor.sample();
  t.is(monitor.lagOf('default', 'resize'), 0);
});

const clients = testKafkaClients();
const maybe = clients ? test : test.skip;

maybe("a function topic's lag on the real broker: calls queued, then taken by the function's consumer group", async (t) => {
  const name = `lag-${randomUUID().slice(0, 8)}`;
  const fn = { metadata: { name, namespace: 'default' }, spec: { scale: { maxScale: 2 } } } as FunctionObject;
  const control = new FunctionKafka(clients!);
  t.teardown(() => control.stop());
  await control.ensure(fn);
  for (let i = 0; i < 3; i++)
    await control.send({ callId: `${name}-${i}`, namespace: 'default', function: name, source: 'schedule', enqueuedAt: new Date().toISOString() });
  t.is(consumerLag(await control.offsets('default', name)), 3, 'nobody consumed yet');

  // The gateway's part: its consumer group takes two calls and commits them.
  const kafka = new Kafka({ ...kafkaClientConfig(clients!, 'gateway', 'host'), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: functionGroup('default', name) });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topic: functionTopic('default', name), fromBeginning: true });
  let taken = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (taken >= 2) return;
        taken++;
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
        if (taken === 2) resolve();
      },
    });
  });
  await consumer.stop();
  t.is(consumerLag(await control.offsets('default', name)), 1, 'two of three were taken');
});
