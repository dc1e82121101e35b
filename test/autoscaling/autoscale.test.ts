import test from 'ava';
import { type AutoscaleInput, autoscale } from '../../reconciler/autoscaling/autoscale.js';
import { hpa, metrics, NOW, pods } from './fixtures.js';

const decide = (input: Partial<AutoscaleInput> & Pick<AutoscaleInput, 'metrics'>) =>
  autoscale({ hpa: hpa(), currentReplicas: 2, pods: pods(2), history: undefined, now: NOW, ...input });

const conditionOf = (d: ReturnType<typeof autoscale>, type: string) => d.conditions.find((c) => c.type === type);

test("CPU above target scales up, with Kubernetes' reason and conditions", (t) => {
  const d = decide({ metrics: metrics([900, 700]) });
  t.is(d.desiredReplicas, 4);
  t.true(d.rescale);
  t.is(d.reason, 'cpu resource utilization (percentage of request) above target');
  t.deepEqual(d.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '800m', averageUtilization: 80 } } }]);
  t.is(conditionOf(d, 'AbleToScale')?.reason, 'SucceededRescale');
  t.is(conditionOf(d, 'AbleToScale')?.message, 'the HPA controller was able to update the target scale to 4');
  t.is(
    conditionOf(d, 'ScalingActive')?.message,
    'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
  );
  t.deepEqual(d.history.scaleUps, [{ change: 2, at: NOW }]);
});

test('a fresh controller does not scale down within the default 300 s window; afterwards it does', (t) => {
  const first = decide({ metrics: metrics([100, 100]) });
  t.false(first.rescale);
  t.is(conditionOf(first, 'AbleToScale')?.reason, 'ScaleDownStabilized');
  const later = decide({ metrics: metrics([100, 100], 'cpu', 0), history: first.history, now: NOW + 301_000 });
  t.true(later.rescale);
  t.is(later.desiredReplicas, 1);
  t.is(later.reason, 'All metrics below target');
});

test('with a short scale-down window the HPA scales in as soon as the window has passed', (t) => {
  const quick = hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 5 } } });
  const first = decide({ hpa: quick, metrics: metrics([0, 0]) });
  t.false(first.rescale, 'the count it started at is a recommendation for 5 s');
  const second = decide({ hpa: quick, metrics: metrics([0, 0]), history: first.history, now: NOW + 6000 });
  t.deepEqual([second.rescale, second.desiredReplicas], [true, 1]);
});

test('a +1 pod per 15 s policy adds one pod per period', (t) => {
  const slow = hpa({ behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] } } });
  let history: AutoscaleInput['history'];
  const sizes: number[] = [];
  let current = 1;
  for (const s of [0, 5, 10, 16, 20, 32]) {
    const d = decide({ hpa: slow, currentReplicas: current, pods: pods(current), metrics: metrics(Array(current).fill(1000)), history, now: NOW + s * 1000 });
    history = d.history;
    current = d.desiredReplicas;
    sizes.push(current);
    if (!d.rescale) t.is(conditionOf(d, 'ScalingLimited')?.reason, 'ScaleUpLimit');
  }
  t.deepEqual(sizes, [2, 2, 2, 3, 3, 4]);
});

test('a target outside min/max is brought inside without looking at metrics', (t) => {
  const over = decide({ hpa: hpa({ maxReplicas: 3 }), currentReplicas: 5, metrics: new Map() });
  t.deepEqual([over.desiredReplicas, over.reason], [3, 'Current number of replicas above Spec.MaxReplicas']);
  const under = decide({ hpa: hpa({ minReplicas: 3 }), currentReplicas: 1, metrics: new Map() });
  t.deepEqual([under.desiredReplicas, under.reason], [3, 'Current number of replicas below Spec.MinReplicas']);
  t.deepEqual(under.history.scaleUps, [{ change: 2, at: NOW }]);
});

test('a target scaled to zero by hand disables autoscaling', (t) => {
  const d = decide({ currentReplicas: 0, pods: [], metrics: new Map() });
  t.false(d.rescale);
  t.is(conditionOf(d, 'ScalingActive')?.reason, 'ScalingDisabled');
});

test('without metrics nothing changes and the HPA says why', (t) => {
  const d = decide({ metrics: new Map() });
  t.deepEqual([d.rescale, d.desiredReplicas], [false, 2]);
  t.deepEqual(conditionOf(d, 'ScalingActive'), {
    type: 'ScalingActive',
    status: 'False',
    reason: 'FailedGetResourceMetric',
    message: 'the HPA was unable to compute the replica count: did not receive metrics for targeted pods (pods might be unready)',
  });
  t.is(d.warning?.reason, 'FailedGetResourceMetric');
});

test('with several metrics the largest proposal wins; a failed one blocks only a scale-down', (t) => {
  const both = hpa({
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
    ],
  });
  const memory = metrics([300 * 2 ** 20, 300 * 2 ** 20], 'memory');
  const cpuAndMemory = new Map([...memory].map(([k, m]) => [k, { ...m, cpu: 500 }]));
  const d = decide({ hpa: both, metrics: cpuAndMemory });
  t.is(d.desiredReplicas, 6);
  t.is(d.reason, 'memory resource above target');
  t.deepEqual(d.currentMetrics, [
    { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '500m', averageUtilization: 50 } } },
    { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
  ]);
  // CPU cannot be computed (no request): memory's scale-up still goes ahead, its scale-down does not.
  const noRequests = pods(2, { cpu: '' });
  t.is(decide({ hpa: both, pods: noRequests, metrics: cpuAndMemory }).desiredReplicas, 6);
  const low = decide({ hpa: both, pods: noRequests, metrics: metrics([10, 10], 'memory'), history: { recommendations: [], scaleUps: [], scaleDowns: [] } });
  t.false(low.rescale);
  t.is(conditionOf(low, 'ScalingActive')?.reason, 'FailedGetResourceMetric');
});

test('an HPA without metrics aims at 80 % CPU', (t) => {
  const d = decide({ hpa: hpa({ metrics: undefined }), metrics: metrics([1000, 1000]) });
  // 100 % against 80 %: ceil(2 × 1.25) = 3
  t.is(d.desiredReplicas, 3);
});
