import test from 'ava';
import { nodeStatus } from '../../node-agent/node/node-status.js';

test('reports the node Ready with a fresh heartbeat, keeping the time it became Ready', (t) => {
  const base = { nodeName: 'node-1', nodeIP: '10.100.0.11', agentPort: 10250, capacity: { cpuMillis: 2000, memoryBytes: 4 * 1024 ** 3 } };
  const first = nodeStatus({ ...base, previous: undefined, now: Date.parse('2026-01-01T00:00:00Z') });
  t.deepEqual(first.capacity, { cpu: '2', memory: '4Gi', pods: '110' });
  t.deepEqual(first.addresses?.[0], { type: 'InternalIP', address: '10.100.0.11' });
  t.deepEqual(first.daemonEndpoints, { agentPort: 10250 });
  const next = nodeStatus({ ...base, previous: first, now: Date.parse('2026-01-01T00:00:05Z') });
  const ready = next.conditions?.[0];
  t.is(ready?.status, 'True');
  t.is(ready?.lastHeartbeatTime, '2026-01-01T00:00:05.000Z');
  t.is(ready?.lastTransitionTime, '2026-01-01T00:00:00.000Z');
});
