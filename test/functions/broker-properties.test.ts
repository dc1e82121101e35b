import test from 'ava';
import { renderBrokerProperties } from '../../reconciler/kafka/broker-properties.js';

const users = { controlplane: 'cp-secret-0123456789', gateway: 'gw"secret\\0123456789' };
const props = (extra = {}) =>
  Object.fromEntries(
    renderBrokerProperties({ dataDir: '/var/lib/minik8s/kafka/data', client: { host: '127.0.0.1', port: 9092 }, controllerPort: 9093, users, ...extra })
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('a single node: internal topics with one replica, no rebalance delay, no auto-created topics', (t) => {
  const p = props();
  t.is(p['process.roles'], 'broker,controller');
  t.is(p['offsets.topic.replication.factor'], '1');
  t.is(p['transaction.state.log.min.isr'], '1');
  t.is(p['share.coordinator.state.topic.replication.factor'], '1');
  t.is(p['group.initial.rebalance.delay.ms'], '0');
  t.is(p['auto.create.topics.enable'], 'false');
});

test('client listeners authenticate with SASL/PLAIN; the controller listener stays on loopback', (t) => {
  const p = props({ bridge: { host: '10.100.0.1', port: 9094 } });
  t.is(p.listeners, 'CLIENT://127.0.0.1:9092,BRIDGE://10.100.0.1:9094,CONTROLLER://127.0.0.1:9093');
  t.is(p['listener.security.protocol.map'], 'CLIENT:SASL_PLAINTEXT,BRIDGE:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT');
  t.regex(p['listener.name.bridge.plain.sasl.jaas.config']!, /user_gateway="gw\\"secret\\\\0123456789"/);
  t.regex(p['listener.name.client.plain.sasl.jaas.config']!, /username="controlplane" password="cp-secret-0123456789"/);
});

test('without a bridge there is only the loopback client listener', (t) => {
  const p = props();
  t.is(p['advertised.listeners'], 'CLIENT://127.0.0.1:9092');
  t.false('listener.name.bridge.plain.sasl.jaas.config' in p);
});

test('the broker needs its own user', (t) => {
  t.throws(() => renderBrokerProperties({ dataDir: '/d', client: { host: '127.0.0.1', port: 1 }, controllerPort: 2, users: { gateway: 'x'.repeat(16) } }), {
    message: /controlplane/,
  });
});
