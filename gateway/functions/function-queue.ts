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
import { ConsumerSet, type ConsumerSpec, ensureTopic } from '../kafka-consumer-set.js';
import type { CallResult, FunctionInvoker } from './function-invoker.js';

/** Replies kept for `GET /function-calls/ID`; the oldest go first. */
const MAX_RESULTS = 10_000;

/**
 * The gateway's Kafka side (user `gateway`, bridge listener): asynchronous calls go onto the function's topic;
 * a consumer per function (its consumer group) runs them through the activator like HTTP calls and writes each
 * reply to the reply topic, keyed by call id (and POSTs it to the call's callback URL); `run` does the same for
 * a kafka trigger's call (../kafka-triggers.ts). Replies are read back from the topic's start at every gateway
 * start, so results survive a gateway restart for as long as Kafka keeps them.
 */
export class FunctionQueue {
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  readonly #consumers: ConsumerSet;
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
    this.#consumers = new ConsumerSet(this.#kafka, log);
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.#producer.connect();
    await ensureTopic(this.#kafka, FUNCTION_REPLIES_TOPIC, 4);
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

  /** A consumer per function, in the function's group; those of functions gone stop. */
  sync(functions: readonly FunctionObject[]): Promise<void> {
    const wanted = new Map<string, ConsumerSpec>();
    for (const fn of functions) {
      const ns = fn.metadata.namespace ?? 'default';
      const { name } = fn.metadata;
      wanted.set(`${ns}/${name}:${fn.metadata.uid}`, {
        topic: functionTopic(ns, name),
        group: functionGroup(ns, name),
        concurrency: fn.spec.scale.maxScale,
        trigger: false,
        handle: async (_topic, _partition, message) => {
          const call = this.#parse(message.value);
          if (call) await this.run(call);
        },
      });
    }
    return this.#consumers.sync(wanted);
  }

  #parse(value: Buffer | null): InvocationRequest | undefined {
    try {
      return parseInvocationRequest(value);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'gateway: skipping a malformed call message');
      return undefined;
    }
  }

  /** Runs one call; a call the gateway could not deliver (no instance in time) throws, so Kafka gives it again. */
  async run(call: InvocationRequest): Promise<void> {
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
    await this.#consumers.stop();
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
