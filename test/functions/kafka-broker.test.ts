import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import { testKafkaClients } from '../helpers/kafka.js';

const clients = testKafkaClients();
const maybe = clients ? test : test.skip;

maybe('a client with its own user produces and consumes; a wrong password is refused', async (t) => {
  const kafka = new Kafka({ ...kafkaClientConfig(clients!, 'gateway', 'host'), logLevel: logLevel.NOTHING });
  const topic = `test.broker.${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
  const consumer = kafka.consumer({ groupId: topic });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = await new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) }));
  t.is(got, 'hello');

  const intruder = new Kafka({
    ...kafkaClientConfig(clients!, 'gateway', 'host'),
    sasl: { mechanism: 'plain', username: 'gateway', password: 'not-the-password' },
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  await t.throwsAsync(intruder.admin().connect(), { message: /Authentication failed/ });
});
