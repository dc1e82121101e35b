/** What the single-node KRaft broker is configured from (scripts/lib/kafka.sh passes it). */
export interface BrokerSettings {
  dataDir: string;
  /** SASL listener for host processes, on loopback. */
  client: { host: string; port: number };
  /** SASL listener on the bridge address, for processes in node namespaces (the gateway). */
  bridge?: { host: string; port: number };
  /** The KRaft controller's listener: loopback only, the broker talks to itself there. */
  controllerPort: number;
  /** SASL/PLAIN users and their passwords. */
  users: Record<string, string>;
}

/** A value inside the JAAS string: quotes and backslashes escaped. */
function jaasValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * server.properties for a one-node KRaft broker+controller. Internal topics have one replica (there is one
 * broker), the first consumer of a group joins without the 3 s rebalance delay (cold starts wait on it), and
 * every client listener authenticates with SASL/PLAIN; the controller listener stays on loopback.
 */
export function renderBrokerProperties(s: BrokerSettings): string {
  const listeners = [`CLIENT://${s.client.host}:${s.client.port}`, ...(s.bridge ? [`BRIDGE://${s.bridge.host}:${s.bridge.port}`] : [])];
  const self = s.users.controlplane;
  if (self === undefined) throw new Error('the broker needs a "controlplane" user: it connects to itself as that user');
  // username/password: the broker's own login on the inter-broker listener; user_X: who may log in.
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="controlplane" password=${jaasValue(self)} ${Object.entries(s.users)
    .map(([user, password]) => `user_${user}=${jaasValue(password)}`)
    .join(' ')};`;
  const lines: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@127.0.0.1:${s.controllerPort}`],
    ['listeners', [...listeners, `CONTROLLER://127.0.0.1:${s.controllerPort}`].join(',')],
    ['advertised.listeners', listeners.join(',')],
    ['listener.security.protocol.map', `CLIENT:SASL_PLAINTEXT,${s.bridge ? 'BRIDGE:SASL_PLAINTEXT,' : ''}CONTROLLER:PLAINTEXT`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'CLIENT'],
    ['sasl.enabled.mechanisms', 'PLAIN'],
    ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
    ['log.dirs', s.dataDir],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 4],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', 'false'],
    ['log.retention.hours', 24],
    ['log.segment.bytes', 16 * 1024 * 1024],
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['background.threads', 2],
  ];
  return [
    '# Written by minik8s (reconciler/kafka/broker-properties.ts); edits are overwritten at the next start.',
    ...lines.map(([k, v]) => `${k}=${v}`),
    ...(s.bridge ? ['client', 'bridge'] : ['client']).map((l) => `listener.name.${l}.plain.sasl.jaas.config=${jaas}`),
    '',
  ].join('\n');
}
