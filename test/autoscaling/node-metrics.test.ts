import test from 'ava';
import { parseObjectOfKind } from '../../common/schema/index.js';
import { type ContainerSample, workingSet } from '../../node-agent/metrics/container-sample.js';
import { nodeMetricsFrom } from '../../node-agent/metrics/node-metrics.js';
import { podMetricsFrom } from '../../reconciler/autoscaling/pod-metrics.js';

const T0 = Date.parse('2025-01-01T12:00:00Z');

function sample(id: string, pod: string, container: string, cpuSeconds: number, atS: number, workingSetBytes = 1000): ContainerSample {
  return { id, namespace: 'default', pod, podUid: `uid-${pod}`, container, cpuNs: cpuSeconds * 1e9, at: T0 + atS * 1000, workingSetBytes };
}

test('working set is usage less inactive file pages, as docker stats computes it on cgroup v1 and v2', (t) => {
  t.is(workingSet({ usage: 100, stats: { total_inactive_file: 30, inactive_file: 10 } }), 70);
  t.is(workingSet({ usage: 100, stats: { inactive_file: 10 } }), 90);
  t.is(workingSet({ usage: 100, stats: { total_inactive_file: 300 } }), 100);
  t.is(workingSet(undefined), 0);
});

test('CPU is the CPU time between two samples over the time between them, summed per pod and node', (t) => {
  const before = new Map([sample('a', 'web', 'app', 10, 0), sample('b', 'web', 'side', 1, 0), sample('c', 'db', 'main', 5, 0)].map((s) => [s.id, s]));
  // app used 2.5 s of CPU in 5 s (500m), side 0.05 s (10m), db 5 s (1000m)
  const now = [sample('a', 'web', 'app', 12.5, 5, 4 * 2 ** 20), sample('b', 'web', 'side', 1.05, 5, 2 ** 20), sample('c', 'db', 'main', 10, 5)];
  const report = nodeMetricsFrom('node-1', before, now, T0 + 5000);
  t.deepEqual(report.pods, [
    {
      namespace: 'default',
      name: 'web',
      uid: 'uid-web',
      containers: [
        { name: 'app', usage: { cpu: '500m', memory: String(4 * 2 ** 20) } },
        { name: 'side', usage: { cpu: '10m', memory: String(2 ** 20) } },
      ],
    },
    { namespace: 'default', name: 'db', uid: 'uid-db', containers: [{ name: 'main', usage: { cpu: '1000m', memory: '1000' } }] },
  ]);
  t.deepEqual(report.usage, { cpu: '1510m', memory: String(5 * 2 ** 20 + 1000) });
  t.is(report.windowSeconds, 5);
  t.true(parseObjectOfKind('NodeMetrics', report).ok, 'the report is a valid NodeMetrics');

  const byPod = podMetricsFrom([report], T0 + 6000, 30_000);
  t.deepEqual(byPod.get('default/web'), { uid: 'uid-web', cpu: 510, memory: 5 * 2 ** 20, timestamp: T0 + 5000, windowMs: 5000 });
  t.is(podMetricsFrom([report], T0 + 36_000, 30_000).size, 0, 'a stale report counts for nothing');
});

test('a pod with a container that has no earlier sample (new, or restarted) is left out until it has one', (t) => {
  const before = new Map([sample('a', 'web', 'app', 10, 0)].map((s) => [s.id, s]));
  const report = nodeMetricsFrom(
    'node-1',
    before,
    [sample('a', 'web', 'app', 11, 5), sample('b2', 'web', 'side', 0.1, 5), sample('c', 'new', 'main', 1, 5)],
    T0 + 5000,
  );
  t.deepEqual(report.pods, []);
  t.deepEqual(report.usage, { cpu: '0m', memory: '0' });
  t.is(nodeMetricsFrom('node-1', before, [sample('a', 'web', 'app', 9, 5)], T0 + 5000).pods.length, 0, 'counters that went backwards give no rate');
});
