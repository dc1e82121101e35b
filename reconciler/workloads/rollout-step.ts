import type { Deployment } from '../../common/schema/index.js';

/** One ReplicaSet of a Deployment as a rollout step sees it. */
export interface ReplicaSetState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** Available pods, at most `replicas` (surplus pods are on their way out and must not be counted twice). */
  available: number;
  /** Active pods, whatever their readiness. */
  pods: number;
}

export interface RolloutInput {
  /** The Deployment's spec.replicas. */
  replicas: number;
  /** The ReplicaSet of the current template (replicas 0 when it is still to be created). */
  newRS: ReplicaSetState;
  /** The others, oldest first. */
  oldRSs: readonly ReplicaSetState[];
}

export interface Strategy {
  type: 'RollingUpdate' | 'Recreate';
  maxSurge: number;
  maxUnavailable: number;
}

export interface ScaleChange {
  name: string;
  from: number;
  to: number;
}

/** A count or percentage of `total`, rounded up or down as Kubernetes' intstr does. */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const exact = (parseInt(value, 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Kubernetes' `ResolveFenceposts`: surge rounds up, unavailability down; when both come to 0 one pod may
 * be unavailable, or the rollout could never start. Unavailability never exceeds the replica count.
 */
export function resolveFenceposts(maxSurge: number | string, maxUnavailable: number | string, replicas: number): { maxSurge: number; maxUnavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  const unavailable = scaledValue(maxUnavailable, replicas, false);
  return { maxSurge: surge, maxUnavailable: Math.min(surge === 0 && unavailable === 0 ? 1 : unavailable, replicas) };
}

/** The Deployment's strategy in absolute numbers (25 % each by default). */
export function deploymentStrategy(d: Deployment): Strategy {
  const strategy = d.spec.strategy;
  if (strategy?.type === 'Recreate') return { type: 'Recreate', maxSurge: 0, maxUnavailable: 0 };
  return {
    type: 'RollingUpdate',
    ...resolveFenceposts(strategy?.rollingUpdate?.maxSurge ?? '25%', strategy?.rollingUpdate?.maxUnavailable ?? '25%', d.spec.replicas),
  };
}

const sum = (rs: readonly ReplicaSetState[], f: (r: ReplicaSetState) => number) => rs.reduce((n, r) => n + f(r), 0);

/**
 * One step of a rolling update (Kubernetes' `rolloutRolling`): scale the new ReplicaSet up as far as the
 * surge allows; if it cannot grow, scale old ones down as far as availability allows — first their
 * unavailable pods, which costs nothing, then available ones down to `replicas - maxUnavailable`.
 * Returns the changes; none when the step has to wait for pods to become available.
 */
export function rollingUpdateStep(input: RolloutInput, strategy: Strategy): ScaleChange[] {
  const { replicas, newRS } = input;
  const all = [newRS, ...input.oldRSs];
  const total = sum(all, (r) => r.replicas);
  if (newRS.replicas > replicas) return [{ name: newRS.name, from: newRS.replicas, to: replicas }];
  if (newRS.replicas < replicas) {
    const room = replicas + strategy.maxSurge - total;
    if (room > 0) return [{ name: newRS.name, from: newRS.replicas, to: newRS.replicas + Math.min(room, replicas - newRS.replicas) }];
  }

  const old = input.oldRSs.filter((r) => r.replicas > 0);
  if (old.length === 0) return [];
  const minAvailable = replicas - strategy.maxUnavailable;
  // Unavailable new pods count against the budget, so a crashing new version cannot drain the old one.
  const maxScaledDown = total - minAvailable - (newRS.replicas - newRS.available);
  if (maxScaledDown <= 0) return [];
  const to = new Map(old.map((r) => [r.name, r.replicas]));
  let cleaned = 0;
  for (const r of old) {
    if (cleaned >= maxScaledDown) break;
    const n = Math.min(maxScaledDown - cleaned, r.replicas - r.available);
    if (n <= 0) continue;
    to.set(r.name, r.replicas - n);
    cleaned += n;
  }
  let budget = sum(all, (r) => r.available) - minAvailable;
  for (const r of old) {
    if (budget <= 0) break;
    const n = Math.min(to.get(r.name)!, budget);
    to.set(r.name, to.get(r.name)! - n);
    budget -= n;
  }
  return old.filter((r) => to.get(r.name) !== r.replicas).map((r) => ({ name: r.name, from: r.replicas, to: to.get(r.name)! }));
}

/** One step of a Recreate rollout: every old ReplicaSet to 0; once their pods are gone, the new one up. */
export function recreateStep(input: RolloutInput): ScaleChange[] {
  const old = input.oldRSs.filter((r) => r.replicas > 0);
  if (old.length > 0) return old.map((r) => ({ name: r.name, from: r.replicas, to: 0 }));
  if (sum(input.oldRSs, (r) => r.pods) > 0 || input.newRS.replicas === input.replicas) return [];
  return [{ name: input.newRS.name, from: input.newRS.replicas, to: input.replicas }];
}

export function rolloutStep(input: RolloutInput, strategy: Strategy): ScaleChange[] {
  return strategy.type === 'Recreate' ? recreateStep(input) : rollingUpdateStep(input, strategy);
}
