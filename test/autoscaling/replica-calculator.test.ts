import test from 'ava';
import { type ReplicaInput, type ReplicaResult, resourceReplicas } from '../../reconciler/autoscaling/replica-calculator.js';
import { metrics, NOW, pod, pods } from './fixtures.js';

const cpu50 = { type: 'Utilization', averageUtilization: 50 } as const;

function calc(input: Partial<ReplicaInput> & Pick<ReplicaInput, 'pods' | 'metrics'>): ReplicaResult {
  return resourceReplicas({ resource: 'cpu', target: cpu50, currentReplicas: input.pods.length, now: NOW, ...input });
}

const replicas = (r: ReplicaResult) => (r.ok ? r.replicas : r.message);

test('scales up by the ratio of utilization to target, rounding up', (t) => {
  // (300 + 500 + 700) / 3000 = 50 % of request against 30 %: ceil(3 × 50/30) = 5
  const r = calc({ pods: pods(3), metrics: metrics([300, 500, 700]), target: { type: 'Utilization', averageUtilization: 30 } });
  t.deepEqual(r, { ok: true, replicas: 5, utilization: 50, averageValue: 500 });
});

test('scales down by the same formula', (t) => {
  // 1400 / 5000 = 28 % against 50 %: ceil(5 × 0.56) = 3
  t.is(replicas(calc({ pods: pods(5), metrics: metrics([100, 300, 500, 250, 250]) })), 3);
});

test('a ratio within the 10 % tolerance keeps the current count', (t) => {
  // requests 0.9, 1.0, 1.1: 3060 / 3000 = 102 % against 100 %
  const ps = [pod('p0', { cpu: '900m' }), pod('p1', { cpu: '1' }), pod('p2', { cpu: '1100m' })];
  const r = calc({ pods: ps, metrics: metrics([1010, 1030, 1020]), target: { type: 'Utilization', averageUtilization: 100 } });
  t.deepEqual(r, { ok: true, replicas: 3, utilization: 102, averageValue: 1020 });
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([540, 540]) })), 2, '108 % of target is within tolerance');
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([560, 560]) })), 3, '112 % of target is not');
});

test('an AverageValue target compares the average usage per pod, without requests', (t) => {
  const r = calc({
    resource: 'memory',
    pods: pods(2, { cpu: '' }),
    metrics: metrics([300 * 2 ** 20, 500 * 2 ** 20], 'memory'),
    target: { type: 'AverageValue', averageValue: 200 * 2 ** 20 },
  });
  t.deepEqual(r, { ok: true, replicas: 4, averageValue: 400 * 2 ** 20 });
});

test('memory utilization is against the memory request', (t) => {
  const r = calc({
    resource: 'memory',
    pods: pods(2, { memory: '100Mi' }),
    metrics: metrics([90 * 2 ** 20, 150 * 2 ** 20], 'memory'),
    target: { type: 'Utilization', averageUtilization: 60 },
  });
  t.deepEqual(r, { ok: true, replicas: 4, utilization: 120, averageValue: 120 * 2 ** 20 });
});

test('on a scale-down, pods without samples count as using their whole request', (t) => {
  // 495 of 2000 is 24 %; with the two missing pods at 1000 each, 2495 / 4000 = 62 % → ceil(4 × 0.62) = 3
  t.is(replicas(calc({ pods: pods(4), metrics: metrics([400, 95]), target: { type: 'Utilization', averageUtilization: 100 } })), 3);
  // 60 % with the missing pod at 100 % is 80 %: still down, but ceil(2 × 0.8) = 2, no change
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([600]), target: { type: 'Utilization', averageUtilization: 100 } })), 2);
});

test('on a scale-up, pods without samples count as using nothing, which may cancel it', (t) => {
  // 190 % with the missing pod at 0 is 95 %: within tolerance
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([1900]), target: { type: 'Utilization', averageUtilization: 100 } })), 2);
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([3000]), target: { type: 'Utilization', averageUtilization: 100 } })), 3);
});

test('unready pods count as using nothing on a scale-up and are left out of a scale-down', (t) => {
  const [, p1, p2] = pods(3);
  const unready = [pod('p0', { ready: false }), p1!, p2!];
  // p1 alone is measured, at 200 %; with p0 (unready) and p2 (no sample) at 0: 2000 / 3000 = 66 % → ceil(3 × 1.32) = 4
  t.is(replicas(calc({ pods: unready, metrics: metrics([100, 2000]) })), 4);
  // ready pods at 45 % of request against 50 %: within tolerance whatever the unready pod uses
  t.is(replicas(calc({ pods: unready, metrics: metrics([100, 450, 450]) })), 3);
});

test('pending, failed and deleted pods are not measured; pods in their first CPU window after becoming ready are unready', (t) => {
  const ps = [
    pod('p0', { phase: 'Pending' }),
    pod('p1', { phase: 'Failed' }),
    pod('p2', { deleting: true }),
    // started a minute ago and ready for 3 s: its sample (5 s window) may include its start-up
    pod('p3', { startedMsAgo: 60_000, readySinceMsAgo: 3000 }),
    pod('p4'),
  ];
  const r = calc({ pods: ps, metrics: metrics([5000, 5000, 5000, 5000, 1000]), currentReplicas: 5 });
  // p4 alone is measured (100 % against 50 %); p0 and p3 count at 0 on the way up: 1000 / 3000 = 33 % → no scale-up
  t.deepEqual(r, { ok: true, replicas: 5, utilization: 100, averageValue: 1000 });
  const settled = [pod('p3', { startedMsAgo: 60_000, readySinceMsAgo: 10_000 }), pod('p4')];
  t.is(
    replicas(calc({ pods: settled, metrics: new Map([...metrics([0, 0, 0, 1000, 1000])].slice(3)), currentReplicas: 2 })),
    4,
    'a sample a whole window after readiness counts',
  );
});

test('no pods, no samples or a container without a request are errors', (t) => {
  t.is(replicas(calc({ pods: [], metrics: metrics([]) })), 'no pods returned by selector while calculating replica count');
  t.is(replicas(calc({ pods: pods(2), metrics: metrics([]) })), 'did not receive metrics for targeted pods (pods might be unready)');
  t.is(replicas(calc({ pods: pods(1, { cpu: '' }), metrics: metrics([200]) })), 'missing request for cpu in container c of Pod p0');
});
