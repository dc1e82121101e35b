import { type KafkaClients, readKafkaClients } from '../../common/functions/kafka-clients.js';

/** The suite's broker (the harness starts it and names its clients file), or undefined outside the harness. */
export function testKafkaClients(): KafkaClients | undefined {
  const path = process.env.MINIK8S_TEST_KAFKA_CLIENTS;
  return path ? readKafkaClients(path) : undefined;
}
