import test from 'ava';
import { type ConcurrencySample, decideScale, type ScaleInput } from '../../reconciler/functions/function-autoscaler.js';

const spec = { minScale: 0, maxScale: 10, target: 2, scaleToZeroAfterSeconds: 30 };
const NOW = 1_000_000;
/** One sample a second over the last `seconds`, each `concurrency`. */
const steady = (concurrency: number, seconds: number, end = NOW): ConcurrencySample[] =>
  Array.from({ length: seconds }, (_, i) => ({ at: end - (seconds - 1 - i) * 1000, concurrency }));
const input = (over: Partial<ScaleInput>): ScaleInput => ({
  now: NOW,
  spec,
  current: 1,
  ready: 1,
  samples: [],
  lastActivity: NOW,
  panicUntil: undefined,
  ...over,
});

test('a call at zero instances asks for an instance at once (cold start)', (t) => {
  t.deepEqual(decideScale(input({ current: 0, ready: 0, samples: [{ at: NOW, concurrency: 1 }] })), { desired: 1, panicUntil: undefined, reason: 'ColdStart' });
  t.is(decideScale(input({ current: 0, ready: 0, samples: [{ at: NOW, concurrency: 7 }] })).desired, 4);
});

test('desired = ceil(average concurrency over the stable window / target)', (t) => {
  const d = decideScale(input({ current: 3, ready: 3, samples: steady(5, 60) }));
  t.is(d.desired, 3);
  t.is(d.reason, 'Stable');
});

test('a burst of twice the ready instances panics: follows the panic window up, never down until it ends', (t) => {
  const samples = [...steady(2, 54, NOW - 6000), ...steady(12, 6)];
  const burst = decideScale(input({ current: 1, ready: 1, samples }));
  t.is(burst.reason, 'Panic');
  t.is(burst.desired, 6);
  t.is(burst.panicUntil, NOW + 60_000);
  const calmer = decideScale(input({ now: NOW + 10_000, current: 6, ready: 6, samples: steady(2, 60, NOW + 10_000), panicUntil: burst.panicUntil }));
  t.is(calmer.desired, 6, 'no scale-down while panicking');
  const after = decideScale(input({ now: NOW + 61_000, current: 6, ready: 6, samples: steady(2, 60, NOW + 61_000), panicUntil: burst.panicUntil }));
  t.deepEqual([after.desired, after.reason], [1, 'Stable']);
});

test('an idle function keeps one instance until scaleToZeroAfterSeconds, then goes to minScale', (t) => {
  t.is(decideScale(input({ samples: steady(0, 20), lastActivity: NOW - 29_000 })).desired, 1);
  t.deepEqual(decideScale(input({ samples: steady(0, 20), lastActivity: NOW - 30_000 })), { desired: 0, panicUntil: undefined, reason: 'Idle' });
  t.is(decideScale(input({ spec: { ...spec, minScale: 2 }, current: 2, samples: steady(0, 20), lastActivity: undefined })).desired, 2);
});

test('maxScale bounds what load asks for', (t) => {
  const d = decideScale(input({ spec: { ...spec, maxScale: 3 }, current: 3, ready: 3, samples: steady(40, 60) }));
  t.deepEqual([d.desired, d.reason], [3, 'Bounds']);
});

test('nothing at zero stays at zero', (t) => {
  t.is(decideScale(input({ current: 0, ready: 0, samples: [], lastActivity: undefined })).desired, 0);
});
