import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import {
  FUNCTION_REPLIES_TOPIC,
  functionGroup,
  functionTopic,
  type InvocationRequestInput,
  invocationRequestSchema,
} from '../../common/functions/invocation.js';
import { type KafkaClients, kafkaClientConfig, retryRetriable } from '../../common/functions/kafka-clients.js';
import type { FunctionObject } from '../../common/schema/index.js';
import type { FunctionTopics } from './function-controller.js';
import type { LagSource, PartitionOffsets } from './function-lag.js';

/**
 * The control plane's side of Kafka (as user `controlplane`): each function's topic, with at least as many
 * partitions as the function may have instances, the shared replies topic, and calls sent by the triggers.
 */
export class FunctionKafka implements FunctionTopics, LagSource {
  readonly #kafka: Kafka;
  #admin: Admin;
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(clients: KafkaClients) {
    this.#kafka = new Kafka({ ...kafkaClientConfig(clients, 'controlplane', 'host', 'minik8s-control-plane'), logLevel: logLevel.ERROR });
    this.#admin = this.#kafka.admin();
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false });
  }

  #connect(): Promise<void> {
    this.#connected ??= (async () => {
      await Promise.all([this.#admin.connect(), this.#producer.connect()]);
      await this.#topic(FUNCTION_REPLIES_TOPIC, 4);
    })().catch((err: unknown) => {
      this.#connected = undefined;
      throw err;
    });
    return this.#connected;
  }

  /**
   * Creates `topic` with `partitions`, or adds partitions up to that count. After a failure the admin client is
   * replaced: kafkajs keeps a topic whose creation failed among those it asks metadata for, and every later
   * metadata request then fails on it (a just-started broker left every function without a topic until a restart).
   */
  async #topic(topic: string, partitions: number): Promise<void> {
    try {
      await this.#makeTopic(topic, partitions);
    } catch (err) {
      const stale = this.#admin;
      this.#admin = this.#kafka.admin();
      this.#connected = undefined;
      await stale.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async #makeTopic(topic: string, partitions: number): Promise<void> {
    const [existing] = (await this.#admin.fetchTopicMetadata({ topics: [] })).topics.filter((t) => t.name === topic);
    if (!existing) {
      await this.#admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
    } else if (existing.partitions.length < partitions) {
      await this.#admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
    }
  }

  async ensure(fn: FunctionObject): Promise<void> {
    await this.#connect();
    await this.#topic(functionTopic(fn.metadata.namespace ?? 'default', fn.metadata.name), Math.max(1, fn.spec.scale.maxScale));
  }

  /** The offsets of the function's topic and of its consumer group, per partition (for its lag). */
  async offsets(namespace: string, name: string): Promise<PartitionOffsets[]> {
    await this.#connect();
    const topic = functionTopic(namespace, name);
    // A just-started broker answers GROUP_LOAD_IN_PROGRESS while its coordinator loads: retriable, so retried.
    const [ends, [group]] = await Promise.all([
      retryRetriable(() => this.#admin.fetchTopicOffsets(topic)),
      retryRetriable(() => this.#admin.fetchOffsets({ groupId: functionGroup(namespace, name), topics: [topic] })),
    ]);
    const committed = new Map((group?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends.map((e) => ({ partition: e.partition, high: e.high, low: e.low, committed: committed.get(e.partition) ?? '-1' }));
  }

  /** Enqueues a call (a trigger's): the gateway consumes it like any asynchronous call. */
  async send(request: InvocationRequestInput): Promise<void> {
    await this.#connect();
    const call = invocationRequestSchema.parse(request);
    await this.#producer.send({ topic: functionTopic(call.namespace, call.function), messages: [{ key: call.callId, value: JSON.stringify(call) }] });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.#admin.disconnect(), this.#producer.disconnect()]);
  }
}
