/**
 * The function autoscaler's decision, in Knative's KPA manner and free of effects: desired instances =
 * ceil(concurrency / target), with concurrency (calls in flight plus calls waiting at the gateway) averaged over
 * a stable window (60 s) and a panic window (6 s). When the panic window asks for at least twice the ready
 * instances, the autoscaler panics for a stable window: it follows the panic figure up and never scales down.
 * An idle function goes to `minScale` only after `scaleToZeroAfterSeconds` without calls; a call at zero asks
 * for an instance at once (the cold start).
 */
export interface ScaleSpec {
  minScale: number;
  maxScale: number;
  /** In-flight calls per instance. */
  target: number;
  scaleToZeroAfterSeconds: number;
}

/** One observation of a function's concurrency, at `at` (ms). */
export interface ConcurrencySample {
  at: number;
  concurrency: number;
}

export interface ScaleInput {
  now: number;
  spec: ScaleSpec;
  /** Instances asked for now (the ReplicaSet's replicas). */
  current: number;
  ready: number;
  samples: readonly ConcurrencySample[];
  /** When the last call was seen (ms), if ever. */
  lastActivity: number | undefined;
  /** Set while the autoscaler panics: until when (ms). */
  panicUntil: number | undefined;
  stableWindowMs?: number;
  panicWindowMs?: number;
  /** How many times the ready instances the panic window must ask for to panic. */
  panicThreshold?: number;
}

export type ScaleReason = 'ColdStart' | 'Stable' | 'Panic' | 'Idle' | 'Bounds';

export interface ScaleDecision {
  desired: number;
  panicUntil: number | undefined;
  reason: ScaleReason;
}

function average(samples: readonly ConcurrencySample[], from: number): number {
  const inside = samples.filter((s) => s.at >= from);
  return inside.length === 0 ? 0 : inside.reduce((sum, s) => sum + s.concurrency, 0) / inside.length;
}

const clamp = (n: number, spec: ScaleSpec) => Math.min(spec.maxScale, Math.max(spec.minScale, n));

export function decideScale(input: ScaleInput): ScaleDecision {
  const { now, spec, current, ready, samples } = input;
  const stableWindowMs = input.stableWindowMs ?? 60_000;
  const panicWindowMs = input.panicWindowMs ?? 6_000;
  const threshold = input.panicThreshold ?? 2;
  const latest = samples.at(-1)?.concurrency ?? 0;
  const idleFor = input.lastActivity === undefined ? Infinity : now - input.lastActivity;

  if (current === 0 && latest > 0) return { desired: clamp(Math.max(1, Math.ceil(latest / spec.target)), spec), panicUntil: undefined, reason: 'ColdStart' };
  if (latest === 0 && idleFor >= spec.scaleToZeroAfterSeconds * 1000) return { desired: spec.minScale, panicUntil: undefined, reason: 'Idle' };

  const stable = Math.ceil(average(samples, now - stableWindowMs) / spec.target);
  const panic = Math.ceil(average(samples, now - panicWindowMs) / spec.target);
  let panicUntil = input.panicUntil !== undefined && input.panicUntil > now ? input.panicUntil : undefined;
  if (panic >= threshold * Math.max(ready, 1) && panic > current) panicUntil = now + stableWindowMs;
  // Calls were seen within scaleToZeroAfterSeconds: keep an instance for the next one.
  const floor = 1;
  const wanted = panicUntil !== undefined ? Math.max(current, panic) : Math.max(stable, floor);
  const desired = clamp(Math.max(wanted, floor), spec);
  return { desired, panicUntil, reason: desired !== Math.max(wanted, floor) ? 'Bounds' : panicUntil !== undefined ? 'Panic' : 'Stable' };
}
