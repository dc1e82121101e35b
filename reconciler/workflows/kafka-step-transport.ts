import { type Admin, type Consumer, Kafka, type KafkaConfig, logLevel, type Producer } from 'kafkajs';
import { encodeJsonBody, functionTopic, type InvocationReply, type InvocationRequestInput, parseInvocationReply } from '../../common/functions/invocation.js';
import { retryRetriable } from '../../common/functions/kafka-clients.js';
import type { Logger } from '../../common/log/log.js';
import type { Json } from '../../common/schema/index.js';
import { StatesError } from './engine/errors.js';
import { type StepCall, StepCallRefused, type StepReply, type StepTransport } from './step-transport.js';

/** Where functions answer the workflow executor: its own topic, consumed by its own group. */
export interface WorkflowReplies {
  topic: string;
  group: string;
}
export const defaultWorkflowReplies: WorkflowReplies = { topic: 'minik8s.workflow-replies', group: 'minik8s.workflows' };
const REPLY_PARTITIONS = 4;

/** A function's reply as the engine sees it: the JSON it returned, or its error type and message. */
export function stepReplyOf(reply: InvocationReply): StepReply {
  const text = Buffer.from(reply.body, 'base64').toString('utf8');
  if (reply.error) return { callId: reply.callId, ok: false, error: reply.error.type, cause: reply.error.message };
  if (reply.statusCode >= 400)
    return { callId: reply.callId, ok: false, error: StatesError.TaskFailed, cause: `HTTP ${reply.statusCode}: ${text.slice(0, 500)}` };
  let output: Json = text;
  try {
    output = text === '' ? null : (JSON.parse(text) as Json);
  } catch {
    // Not JSON (a function returning bytes or plain text): the step's result is the text.
  }
  return { callId: reply.callId, ok: true, output };
}

/**
 * Steps over Kafka, by the function-call contract (common/functions/invocation.ts): each call is a
 * message on the function's topic naming this executor's reply topic; replies are consumed in the
 * executor's group and committed only after the executor has recorded them, so a reply in flight when
 * the control plane stops is delivered again to the next one.
 */
export class KafkaStepTransport implements StepTransport {
  readonly #kafka: Kafka;
  readonly #log: Logger;
  readonly #known = new Set<string>();
  readonly #replies: WorkflowReplies;
  #admin: Admin | undefined;
  #producer: Producer | undefined;
  #consumer: Consumer | undefined;

  constructor(config: KafkaConfig, log: Logger, replies: WorkflowReplies = defaultWorkflowReplies) {
    this.#kafka = new Kafka({ ...config, logLevel: logLevel.WARN });
    this.#log = log;
    this.#replies = replies;
  }

  async onReply(handler: (reply: StepReply) => Promise<void>): Promise<void> {
    this.#admin = this.#kafka.admin();
    await this.#admin.connect();
    const { topic, group } = this.#replies;
    if (!(await this.#admin.listTopics()).includes(topic))
      await retryRetriable(() => this.#admin!.createTopics({ topics: [{ topic, numPartitions: REPLY_PARTITIONS }], waitForLeaders: true }));
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false });
    await this.#producer.connect();
    this.#consumer = this.#kafka.consumer({ groupId: group, allowAutoTopicCreation: false });
    await this.#consumer.connect();
    await retryRetriable(() => this.#consumer!.subscribe({ topic, fromBeginning: true }));
    await this.#consumer.run({
      partitionsConsumedConcurrently: REPLY_PARTITIONS,
      eachMessage: async ({ message }) => {
        let reply: InvocationReply;
        try {
          reply = parseInvocationReply(message.value);
        } catch (err) {
          // Retrying cannot make a malformed message readable: it is logged and skipped.
          this.#log.warn({ err: (err as Error).message }, 'malformed reply on the workflow reply topic; skipped');
          return;
        }
        await handler(stepReplyOf(reply));
      },
    });
  }

  async invoke(call: StepCall): Promise<void> {
    if (!this.#producer) throw new Error('KafkaStepTransport: onReply must be called first');
    const topic = functionTopic(call.namespace, call.function);
    await this.#ensureTopic(topic, call);
    const request: InvocationRequestInput = {
      callId: call.callId,
      namespace: call.namespace,
      function: call.function,
      source: 'workflow',
      headers: { 'content-type': 'application/json' },
      body: encodeJsonBody(call.input),
      replyTopic: this.#replies.topic,
      enqueuedAt: new Date().toISOString(),
    };
    await this.#producer.send({ topic, messages: [{ key: call.callId, value: JSON.stringify(request) }] });
  }

  /** A function's topic exists while the Function does; a call to one that has none fails its step. */
  async #ensureTopic(topic: string, call: StepCall): Promise<void> {
    if (this.#known.has(topic)) return;
    const topics = await this.#admin!.listTopics();
    for (const t of topics) this.#known.add(t);
    if (!this.#known.has(topic)) throw new StepCallRefused(`function "${call.function}" does not exist in namespace ${call.namespace} (no topic ${topic})`);
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
    await this.#producer?.disconnect();
    await this.#admin?.disconnect();
  }
}
