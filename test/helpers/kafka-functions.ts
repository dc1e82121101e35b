import { Kafka, logLevel } from 'kafkajs';
import { functionGroup, functionTopic, type InvocationReply, parseInvocationRequest } from '../../common/functions/invocation.js';
import { type KafkaClients, kafkaClientConfig, retryRetriable } from '../../common/functions/kafka-clients.js';
import type { Json } from '../../common/schema/index.js';

export type KafkaFunction = (input: Json, callId: string) => Json | Promise<Json>;

/**
 * Serves function calls from Kafka by the call contract, as the gateway does for real instances:
 * consumes each function's topic in its group, answers on the request's reply topic. For tests of
 * callers (the workflow executor) that need a function on the broker, not a runtime pod. Counts calls
 * per call id, so a test can tell a step that ran twice.
 */
export async function serveKafkaFunctions(clients: KafkaClients, namespace: string, functions: Record<string, KafkaFunction>) {
  const kafka = new Kafka({ ...kafkaClientConfig(clients, 'gateway', 'host', 'test-functions'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await retryRetriable(() =>
    admin.createTopics({ topics: Object.keys(functions).map((name) => ({ topic: functionTopic(namespace, name), numPartitions: 2 })), waitForLeaders: true }),
  );
  const producer = kafka.producer();
  await producer.connect();
  const calls = new Map<string, number>();
  const consumers = await Promise.all(
    Object.entries(functions).map(async ([name, fn]) => {
      const consumer = kafka.consumer({ groupId: functionGroup(namespace, name) });
      await consumer.connect();
      await retryRetriable(() => consumer.subscribe({ topic: functionTopic(namespace, name), fromBeginning: true }));
      await consumer.run({
        eachMessage: async ({ message }) => {
          const req = parseInvocationRequest(message.value);
          calls.set(req.callId, (calls.get(req.callId) ?? 0) + 1);
          const base = { callId: req.callId, namespace, function: name, headers: { 'content-type': 'application/json' }, finishedAt: '' };
          let reply: InvocationReply;
          try {
            const output = await fn(JSON.parse(Buffer.from(req.body, 'base64').toString('utf8')) as Json, req.callId);
            reply = { ...base, statusCode: 200, body: Buffer.from(JSON.stringify(output)).toString('base64') };
          } catch (err) {
            const e = err as Error;
            reply = { ...base, statusCode: 500, body: '', error: { type: e.name, message: e.message } };
          }
          await producer.send({
            topic: req.replyTopic,
            messages: [{ key: req.callId, value: JSON.stringify({ ...reply, finishedAt: new Date().toISOString() }) }],
          });
        },
      });
      return consumer;
    }),
  );
  return {
    /** How many times each call id was served. */
    calls,
    async stop() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
