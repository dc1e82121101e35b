import { Kafka, logLevel } from 'kafkajs';
import { type KafkaClients, kafkaClientConfig } from '../common/functions/kafka-clients.js';
import { kafkaTriggerEvent, type TriggerTarget, targetKey } from '../common/functions/trigger-events.js';
import type { Logger } from '../common/log/log.js';
import type { FireTrigger } from '../common/workflows/trigger-firing.js';
import { ConsumerSet, type ConsumerSpec } from './kafka-consumer-set.js';

/** The group that reads a kafka trigger's topic for one target: its offsets are where that target stands. */
export function triggerGroup(target: TriggerTarget): string {
  const who = `${target.namespace}_${target.name}`;
  return target.kind === 'Function' ? `minik8s.trigger.${who}` : `minik8s.trigger-workflow.${who}`;
}

/**
 * The `kafka` triggers of Functions and Workflows (user `gateway`): a consumer per target and topic turns
 * each message into a call or an execution, one at a time per partition, committing after it fired (at least
 * once, in partition order; an execution is named by the message's offset, so a redelivery starts none).
 */
export class KafkaTriggers {
  readonly #consumers: ConsumerSet;

  constructor(
    clients: KafkaClients,
    readonly fire: FireTrigger,
    log: Logger,
  ) {
    const kafka = new Kafka({ ...kafkaClientConfig(clients, 'gateway', 'bridge', 'minik8s-gateway-triggers'), logLevel: logLevel.ERROR });
    this.#consumers = new ConsumerSet(kafka, log);
  }

  sync(targets: readonly TriggerTarget[]): Promise<void> {
    const wanted = new Map<string, ConsumerSpec>();
    for (const target of targets)
      for (const t of target.triggers)
        if ('kafka' in t)
          wanted.set(`${targetKey(target)}:${t.kafka.topic}`, {
            topic: t.kafka.topic,
            group: triggerGroup(target),
            concurrency: 8,
            trigger: true,
            handle: (topic, partition, message) => this.fire(target, kafkaTriggerEvent(topic, partition, message)),
          });
    return this.#consumers.sync(wanted);
  }

  stop(): Promise<void> {
    return this.#consumers.stop();
  }
}
