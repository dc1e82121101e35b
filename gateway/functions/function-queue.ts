import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import {
  FUNCTION_REPLIES_TOPIC,
  functionGroup,
  functionTopic,
  type InvocationReply,
  type InvocationRequest,
  parseInvocationReply,
  parseInvocationRequest,
} from '../../common/functions/invocation.js';
import { type KafkaClients, kafkaClientConfig } from '../../common/functions/kafka-clients.js';
import type { Logger } from '../../common/log/log.js';
import type { FunctionObject } from '../../common/schema/index.js';
import type { CallResult, FunctionInvoker } from './function-invoker.js';

/** Replies kept for `GET /function-calls/ID`; the oldest go first. */
const MAX_RESULTS = 10_000;

/**
 * The gateway's Kafka side (user `gateway`, bridge listener): asynchronous calls go onto the function's topic;
 * a consumer per function (its consumer group) runs them through the activator like HTTP calls and writes each
 * reply to the reply topic, keyed by call id (and POSTs it to the call's callback URL). A consumer per `kafka`
 * trigger turns each message of the named topic into a call, one at a time per partition, committing after the
 * call (at least once, in partition order). Replies are read back from the topic's start at every gateway start,
 * so results survive a gateway restart for as long as Kafka keeps them.
 */
export class FunctionQueue {
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  readonly #consumers = new Map<string, { consumer: Consumer; stop: () => Promise<void> }>();
  readonly #results = new Map<string, InvocationReply>();
  /** Calls queued by this gateway and not answered yet, with their function (NS/NAME). */
  readonly #pending = new Map<string, { namespace: string; name: string }>();
  readonly #log: Logger;
  #replies: Consumer | undefined;

  constructor(
    clients: KafkaClients,
    readonly invoker: FunctionInvoker,
    log: Logger,
  ) {
    this.#kafka = new Kafka({ ...kafkaClientConfig(clients, 'gateway', 'bridge', 'minik8s-gateway'), logLevel: logLevel.ERROR });
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false });
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.#producer.connect();
    await this.#ensureTopic(FUNCTION_REPLIES_TOPIC, 4);
    // A group of its own each start: every gateway reads all replies from the beginning.
    const replies = this.#kafka.consumer({ groupId: `minik8s-gateway-replies-${randomUUID()}` });
    await replies.connect();
    await replies.subscribe({ topic: FUNCTION_REPLIES_TOPIC, fromBeginning: true });
    await replies.run({
      eachMessage: async ({ message }) => {
        try {
          const reply = parseInvocationReply(message.value);
          this.#pending.delete(reply.callId);
          this.#results.set(reply.callId, reply);
          if (this.#results.size > MAX_RESULTS) this.#results.delete(this.#results.keys().next().value!);
        } catch (err) {
          this.#log.warn({ err: (err as Error).message }, 'gateway: skipping a malformed reply');
        }
      },
    });
    this.#replies = replies;
  }

  /** Puts an asynchronous call on its function's topic. */
  async enqueue(call: InvocationRequest): Promise<void> {
    this.#pending.set(call.callId, { namespace: call.namespace, name: call.function });
    await this.#producer.send({ topic: functionTopic(call.namespace, call.function), messages: [{ key: call.callId, value: JSON.stringify(call) }] });
  }

  /** A call's reply, 'pending' while it is known but not done, undefined when this gateway never heard of it. */
  result(callId: string): InvocationReply | 'pending' | undefined {
    return this.#results.get(callId) ?? (this.#pending.has(callId) ? 'pending' : undefined);
  }

  /** The function a known call is for (whose token may read its result). */
  callee(callId: string): { namespace: string; name: string } | undefined {
    const reply = this.#results.get(callId);
    return reply ? { namespace: reply.namespace, name: reply.function } : this.#pending.get(callId);
  }

  /** Consumers for the functions as they are now: one per function, one per kafka trigger; others stop. */
  async sync(functions: readonly FunctionObject[]): Promise<void> {
    const wanted = new Map<string, { topic: string; group: string; fn: FunctionObject; trigger: boolean }>();
    for (const fn of functions) {
      const ns = fn.metadata.namespace ?? 'default';
      const { name } = fn.metadata;
      wanted.set(`call:${ns}/${name}:${fn.metadata.uid}`, { topic: functionTopic(ns, name), group: functionGroup(ns, name), fn, trigger: false });
      for (const t of fn.spec.triggers)
        if ('kafka' in t)
          wanted.set(`kafka:${ns}/${name}:${t.kafka.topic}`, { topic: t.kafka.topic, group: `minik8s.trigger.${ns}_${name}`, fn, trigger: true });
    }
    for (const [key, c] of this.#consumers) if (!wanted.has(key)) await c.stop().finally(() => this.#consumers.delete(key));
    for (const [key, w] of wanted) {
      if (this.#consumers.has(key)) continue;
      try {
        this.#consumers.set(key, await this.#consume(w.topic, w.group, w.fn, w.trigger));
      } catch (err) {
        // The topic may not exist yet (the controller makes function topics): the next sync tries again.
        this.#log.warn({ topic: w.topic, err: (err as Error).message }, 'gateway: cannot consume yet');
      }
    }
  }

  async #consume(topic: string, groupId: string, fn: FunctionObject, trigger: boolean) {
    if (trigger) await this.#ensureTopic(topic, 1);
    const consumer = this.#kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: !trigger });
      await consumer.run({
        partitionsConsumedConcurrently: Math.max(1, fn.spec.scale.maxScale),
        eachMessage: async ({ topic: from, partition, message }) => {
          const call = trigger ? triggerCall(fn, from, partition, message) : this.#parse(message.value);
          if (call) await this.#run(call);
        },
      });
    } catch (err) {
      await consumer.disconnect();
      throw err;
    }
    return { consumer, stop: () => consumer.disconnect() };
  }

  #parse(value: Buffer | null): InvocationRequest | undefined {
    try {
      return parseInvocationRequest(value);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'gateway: skipping a malformed call message');
      return undefined;
    }
  }

  /** Makes a topic the gateway needs when nobody has yet (the replies topic, a trigger's topic). */
  async #ensureTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic))
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }).catch((err: Error) => {
          if (!/already exists/i.test(err.message)) throw err;
        });
    } finally {
      await admin.disconnect();
    }
  }

  /** Runs one call; a call the gateway could not deliver (no instance in time) throws, so Kafka gives it again. */
  async #run(call: InvocationRequest): Promise<void> {
    const result = await this.invoker.invoke({
      callId: call.callId,
      namespace: call.namespace,
      name: call.function,
      method: call.method,
      url: `${call.path}${Object.keys(call.query).length ? `?${new URLSearchParams(call.query)}` : ''}`,
      headers: call.headers,
      body: Buffer.from(call.body, 'base64'),
    });
    if (result.statusCode === 503 && result.gatewayError) throw new Error(result.gatewayError);
    const reply = replyOf(call, result);
    await this.#producer.send({ topic: call.replyTopic, messages: [{ key: call.callId, value: JSON.stringify(reply) }] });
    if (call.callbackUrl) await this.#callback(call.callbackUrl, reply, result);
  }

  async #callback(url: string, reply: InvocationReply, result: CallResult): Promise<void> {
    try {
      await fetch(url, {
        method: 'POST',
        headers: { ...result.headers, 'x-minik8s-call-id': reply.callId, 'x-minik8s-status-code': String(reply.statusCode) },
        body: new Uint8Array(result.body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      this.#log.warn({ callId: reply.callId, url, err: (err as Error).message }, 'gateway: the callback URL did not take the result');
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.#consumers.values()].map((c) => c.stop()));
    this.#consumers.clear();
    await Promise.allSettled([this.#replies?.disconnect(), this.#producer.disconnect()]);
  }
}

function replyOf(call: InvocationRequest, r: CallResult): InvocationReply {
  let error: InvocationReply['error'];
  if (r.gatewayError) error = { type: 'GatewayError', message: r.gatewayError };
  else if (r.statusCode >= 500 && (r.headers['content-type'] ?? '').includes('json')) {
    const parsed = safeJson(r.body) as { error?: string; message?: string } | undefined;
    if (parsed?.error) error = { type: parsed.error, message: parsed.message ?? '' };
  }
  return {
    callId: call.callId,
    namespace: call.namespace,
    function: call.function,
    statusCode: r.statusCode,
    headers: r.headers,
    body: r.body.toString('base64'),
    ...(r.revision && { revision: r.revision }),
    ...(error && { error }),
    finishedAt: new Date().toISOString(),
  };
}

function safeJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A message on a trigger's topic as a call: the value is the body, where it came from in the headers. */
function triggerCall(
  fn: FunctionObject,
  topic: string,
  partition: number,
  message: { key: Buffer | null; value: Buffer | null; offset: string },
): InvocationRequest {
  return {
    callId: `${topic}-${partition}-${message.offset}`,
    namespace: fn.metadata.namespace ?? 'default',
    function: fn.metadata.name,
    source: 'kafka',
    method: 'POST',
    path: '/',
    query: {},
    headers: {
      'content-type': 'application/json',
      'x-kafka-topic': topic,
      'x-kafka-partition': String(partition),
      'x-kafka-offset': message.offset,
      ...(message.key && { 'x-kafka-key': message.key.toString('utf8') }),
    },
    body: (message.value ?? Buffer.alloc(0)).toString('base64'),
    replyTopic: FUNCTION_REPLIES_TOPIC,
    enqueuedAt: new Date().toISOString(),
  };
}
