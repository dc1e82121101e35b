import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import { z } from 'zod';

/**
 * Who may talk to the cluster's Kafka broker, and where: `$MINIK8S_HOME/kafka/clients.json` (mode 0600),
 * written once by scripts/lib/kafka.sh. Every client authenticates with SASL/PLAIN as one of `users`:
 * `controlplane` (triggers, topics), `gateway` (async calls and replies), `workflows` (the workflow engine).
 * Pods never get a Kafka credential: the gateway consumes for the function instances.
 */
export const kafkaClientsSchema = z.strictObject({
  /** For processes in the host's namespace (the control plane): the loopback listener. */
  brokers: z.array(z.string().min(1)).min(1),
  /** For processes in a node's namespace (the gateway): the listener on the bridge address. */
  bridgeBrokers: z.array(z.string().min(1)).min(1),
  users: z.record(z.string(), z.string().min(16)),
});
export type KafkaClients = z.infer<typeof kafkaClientsSchema>;

export type KafkaUser = 'controlplane' | 'gateway' | 'workflows';

export function kafkaClientsPath(home: string): string {
  return join(home, 'kafka', 'clients.json');
}

export function readKafkaClients(path: string): KafkaClients {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the Kafka clients file ${path}: ${(err as Error).message} (is Kafka up? run: npm start)`);
  }
  const r = kafkaClientsSchema.safeParse(raw);
  if (!r.success) throw new Error(`${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The kafkajs settings for one component: its own user, the listener its namespace reaches. */
export function kafkaClientConfig(clients: KafkaClients, user: KafkaUser, where: 'host' | 'bridge', clientId: string = user): KafkaConfig {
  const password = clients.users[user];
  if (!password) throw new Error(`the Kafka clients file has no user "${user}"`);
  return {
    clientId,
    brokers: where === 'host' ? clients.brokers : clients.bridgeBrokers,
    sasl: { mechanism: 'plain', username: user, password },
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
  };
}

/**
 * Retries what a broker refuses for a moment after a topic was made or while it starts (its partitions' leader
 * not known to every listener yet, the group coordinator loading): kafkajs marks those errors retriable.
 */
export async function retryRetriable<T>(what: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await what();
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
