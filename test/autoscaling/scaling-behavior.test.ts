import test from 'ava';
import {
  type Behavior,
  behaviorOf,
  defaultBehavior,
  type NormalizeInput,
  normalizeWithBehavior,
  recordScale,
  type ScalingHistory,
  scaleLimit,
} from '../../reconciler/autoscaling/scaling-behavior.js';
import { hpa, NOW } from './fixtures.js';

const empty: ScalingHistory = { recommendations: [], scaleUps: [], scaleDowns: [] };
const sAgo = (s: number) => NOW - s * 1000;

function normalize(input: Partial<NormalizeInput> & Pick<NormalizeInput, 'currentReplicas' | 'desiredReplicas'>) {
  return normalizeWithBehavior({ minReplicas: 1, maxReplicas: 100, behavior: defaultBehavior, history: empty, now: NOW, ...input });
}

test('by default a scale-up may add 4 pods or double, whichever is more, per 15 s', (t) => {
  t.is(scaleLimit('up', 3, defaultBehavior.scaleUp, empty, NOW), 7);
  t.is(scaleLimit('up', 10, defaultBehavior.scaleUp, empty, NOW), 20);
  const r = normalize({ currentReplicas: 3, desiredReplicas: 12 });
  t.is(r.replicas, 7);
  t.deepEqual(r.limited, { status: true, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
});

test('a policy counts from the replicas at the start of its period', (t) => {
  const onePer15s: Behavior = {
    ...defaultBehavior,
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] },
  };
  const history = { ...empty, scaleUps: [{ change: 1, at: sAgo(10) }] };
  // 2 now, 1 added 10 s ago: the period started at 1, so 2 is all it allows until that event is 15 s old
  t.is(normalize({ currentReplicas: 2, desiredReplicas: 5, behavior: onePer15s, history }).replicas, 2);
  t.is(normalize({ currentReplicas: 2, desiredReplicas: 5, behavior: onePer15s, history, now: NOW + 6000 }).replicas, 3);
  // A scale-down within the period gives its pods back to the budget.
  const both = { ...history, scaleDowns: [{ change: 1, at: sAgo(5) }] };
  t.is(scaleLimit('up', 1, onePer15s.scaleUp, both, NOW), 2);
});

test('selectPolicy Min takes the smallest change, Disabled none', (t) => {
  const rules = {
    stabilizationWindowSeconds: 0,
    policies: [
      { type: 'Pods' as const, value: 4, periodSeconds: 60 },
      { type: 'Percent' as const, value: 50, periodSeconds: 60 },
    ],
  };
  t.is(scaleLimit('up', 10, { ...rules, selectPolicy: 'Max' }, empty, NOW), 15);
  t.is(scaleLimit('up', 10, { ...rules, selectPolicy: 'Min' }, empty, NOW), 14);
  t.is(scaleLimit('down', 10, { ...rules, selectPolicy: 'Max' }, empty, NOW), 5);
  t.is(scaleLimit('down', 10, { ...rules, selectPolicy: 'Min' }, empty, NOW), 6);
  t.is(scaleLimit('down', 10, { ...rules, selectPolicy: 'Disabled' }, empty, NOW), 10);
  // Percent rounds a scale-up up (or it might never move) and a scale-down toward zero.
  t.is(scaleLimit('up', 1, { ...rules, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }], selectPolicy: 'Max' }, empty, NOW), 2);
  t.is(scaleLimit('down', 5, { ...rules, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }], selectPolicy: 'Max' }, empty, NOW), 2);
});

test('a scale-down waits for the highest recommendation of the stabilization window', (t) => {
  const history = {
    ...empty,
    recommendations: [
      { replicas: 8, at: sAgo(400) },
      { replicas: 5, at: sAgo(100) },
      { replicas: 3, at: sAgo(50) },
    ],
  };
  const r = normalize({ currentReplicas: 6, desiredReplicas: 2, history });
  t.is(r.replicas, 5, 'the 8 of 400 s ago is outside the 300 s window');
  t.is(r.stabilized.reason, 'ScaleDownStabilized');
  // The old recommendation's slot is reused for this one.
  t.deepEqual(r.recommendations, [
    { replicas: 2, at: NOW },
    { replicas: 5, at: sAgo(100) },
    { replicas: 3, at: sAgo(50) },
  ]);
  t.is(normalize({ currentReplicas: 6, desiredReplicas: 2, history, now: NOW + 201_000 }).replicas, 3, 'once the 5 is 300 s old');
});

test('a scale-up window holds a rise to the lowest recent recommendation', (t) => {
  const behavior = behaviorOf(hpa({ behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } }));
  const history = { ...empty, recommendations: [{ replicas: 2, at: sAgo(30) }] };
  const r = normalize({ currentReplicas: 3, desiredReplicas: 6, behavior, history });
  t.is(r.replicas, 3);
  t.deepEqual(r.stabilized.reason, 'ScaleUpStabilized');
  t.is(normalize({ currentReplicas: 3, desiredReplicas: 6, behavior, history: { ...empty, recommendations: [{ replicas: 4, at: sAgo(30) }] } }).replicas, 4);
});

test('the result stays within min and max replicas, saying which bound held it', (t) => {
  const max = normalize({ currentReplicas: 3, desiredReplicas: 20, maxReplicas: 5 });
  t.is(max.replicas, 5);
  t.is(max.limited.reason, 'TooManyReplicas');
  const min = normalize({
    currentReplicas: 3,
    desiredReplicas: 0,
    minReplicas: 2,
    behavior: behaviorOf(hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } })),
  });
  t.is(min.replicas, 2);
  t.is(min.limited.reason, 'TooFewReplicas');
  const within = normalize({ currentReplicas: 3, desiredReplicas: 4 });
  t.deepEqual([within.replicas, within.limited.status, within.limited.reason, within.stabilized.reason], [4, false, 'DesiredWithinRange', 'ReadyForNewScale']);
});

test("a manifest's behavior overrides the defaults field by field", (t) => {
  const b = behaviorOf(
    hpa({ behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 10 } } }),
  );
  t.deepEqual(b.scaleUp, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] });
  t.deepEqual(b.scaleDown, { ...defaultBehavior.scaleDown, stabilizationWindowSeconds: 10 });
  t.deepEqual(behaviorOf(hpa()), defaultBehavior);
});

test('scale events are kept for as long as the longest policy period of their direction', (t) => {
  const history = {
    ...empty,
    scaleUps: [
      { change: 2, at: sAgo(20) },
      { change: 1, at: sAgo(10) },
    ],
    scaleDowns: [{ change: 1, at: sAgo(14) }],
  };
  const next = recordScale(history, defaultBehavior, 4, 6, NOW);
  t.deepEqual(next.scaleUps, [
    { change: 1, at: sAgo(10) },
    { change: 2, at: NOW },
  ]);
  t.deepEqual(next.scaleDowns, [{ change: 1, at: sAgo(14) }]);
  t.deepEqual(recordScale(empty, defaultBehavior, 6, 4, NOW).scaleDowns, [{ change: 2, at: NOW }]);
});
