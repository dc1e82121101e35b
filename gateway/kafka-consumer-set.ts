import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { retryRetriable } from '../common/functions/kafka-clients.js';
import type { Logger } from '../common/log/log.js';

/** One consumer the gateway wants: a topic read in a group, each message handed to `handle`. */
export interface ConsumerSpec {
  topic: string;
  group: string;
  /** Partitions handled at once (messages of one partition always in order). */
  concurrency: number;
  /**
   * A trigger's topic (the user's): made when missing, and a new group starts at its end as it is before the
   * group joins, where function topics are read from their start (their calls were sent for this consumer).
   */
  trigger: boolean;
  /** Resolves once the message is done; a throw leaves it uncommitted, so Kafka gives it again. */
  handle: (topic: string, partition: number, message: KafkaMessage) => Promise<void>;
}

/** Makes a topic when nobody has yet (the replies topic, a trigger's topic). */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic))
      await retryRetriable(() => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
  } finally {
    await admin.disconnect();
  }
}

/**
 * A trigger's new group starts where the topic ends now, before it joins: left to the consumer (fromBeginning
 * false), the start is read only after the join, and messages sent meanwhile would never be delivered.
 */
async function startNewGroupAtEnd(kafka: Kafka, group: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await retryRetriable(() => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    if (committed?.partitions.some((p) => p.offset !== '-1')) return;
    const ends = await retryRetriable(() => admin.fetchTopicOffsets(topic));
    await retryRetriable(() => admin.setOffsets({ groupId: group, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) }));
  } finally {
    await admin.disconnect();
  }
}

/** A set of consumers kept equal to the wanted ones, by key: new keys start, missing keys stop. */
export class ConsumerSet {
  readonly #consumers = new Map<string, Consumer>();

  constructor(
    readonly kafka: Kafka,
    readonly log: Logger,
  ) {}

  async sync(wanted: ReadonlyMap<string, ConsumerSpec>): Promise<void> {
    for (const [key, c] of this.#consumers) if (!wanted.has(key)) await c.disconnect().finally(() => this.#consumers.delete(key));
    for (const [key, spec] of wanted) {
      if (this.#consumers.has(key)) continue;
      try {
        this.#consumers.set(key, await this.#consume(spec));
      } catch (err) {
        // The topic may not exist yet (the controller makes function topics): the next sync tries again.
        this.log.warn({ topic: spec.topic, err: (err as Error).message }, 'gateway: cannot consume yet');
      }
    }
  }

  async #consume(spec: ConsumerSpec): Promise<Consumer> {
    if (spec.trigger) {
      await ensureTopic(this.kafka, spec.topic, 1);
      await startNewGroupAtEnd(this.kafka, spec.group, spec.topic);
    }
    const consumer = this.kafka.consumer({ groupId: spec.group, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      // A trigger's group has its start committed by now; a function topic's calls are all for this consumer.
      await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: Math.max(1, spec.concurrency),
        eachMessage: ({ topic, partition, message }) => spec.handle(topic, partition, message),
      });
    } catch (err) {
      await consumer.disconnect();
      throw err;
    }
    return consumer;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.#consumers.values()].map((c) => c.disconnect()));
    this.#consumers.clear();
  }
}
