import type { HorizontalPodAutoscaler } from '../../common/schema/index.js';

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** Kubernetes' defaults: up by 4 pods or 100 % per 15 s at once; down by 100 % per 15 s after 300 s of lower recommendations. */
export const defaultBehavior: Behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

/** The HPA's behavior with every field it leaves out taken from the defaults, per direction and per field. */
export function behaviorOf(hpa: HorizontalPodAutoscaler): Behavior {
  const b = hpa.spec.behavior;
  const rules = (given: Partial<ScalingRules> | undefined, d: ScalingRules): ScalingRules => ({
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? d.selectPolicy,
    policies: given?.policies?.length ? given.policies : d.policies,
  });
  return { scaleUp: rules(b?.scaleUp, defaultBehavior.scaleUp), scaleDown: rules(b?.scaleDown, defaultBehavior.scaleDown) };
}

/** A recommendation the metrics gave, and when. */
export interface Recommendation {
  replicas: number;
  at: number;
}

/** A change the controller made: how many pods it added or removed, and when. */
export interface ScaleEvent {
  change: number;
  at: number;
}

/** What one HPA's decisions remember between reconciles (kept in memory, as Kubernetes' controller does). */
export interface ScalingHistory {
  recommendations: Recommendation[];
  scaleUps: ScaleEvent[];
  scaleDowns: ScaleEvent[];
}

export type AbleToScaleReason = 'ScaleUpStabilized' | 'ScaleDownStabilized' | 'ReadyForNewScale';
export type ScalingLimitedReason = 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | 'DesiredWithinRange';

export interface NormalizeInput {
  currentReplicas: number;
  /** What the metrics ask for, before stabilization and rate limits. */
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  behavior: Behavior;
  history: ScalingHistory;
  now: number;
}

export interface Normalized {
  replicas: number;
  /** The recommendations with this one recorded. */
  recommendations: Recommendation[];
  stabilized: { reason: AbleToScaleReason; message: string };
  limited: { status: boolean; reason: ScalingLimitedReason; message: string };
}

/**
 * Kubernetes' stabilization: a scale-up goes no higher than the lowest recommendation within the up
 * window, a scale-down no lower than the highest within the down window. The oldest recommendation
 * outside both windows is reused for this one, so the list stays short.
 */
function stabilize(input: NormalizeInput): { replicas: number; recommendations: Recommendation[] } {
  const { desiredReplicas, currentReplicas, behavior, now } = input;
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds * 1000;
  let up = desiredReplicas;
  let down = desiredReplicas;
  let oldIndex = -1;
  input.history.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  const replicas = Math.min(Math.max(currentReplicas, up), down);
  const recommendations = [...input.history.recommendations];
  const fresh = { replicas: desiredReplicas, at: now };
  if (oldIndex >= 0) recommendations[oldIndex] = fresh;
  else recommendations.push(fresh);
  return { replicas, recommendations };
}

/** Pods added (or removed) by the events within the last `periodSeconds`. */
function changedWithin(events: readonly ScaleEvent[], periodSeconds: number, now: number): number {
  return events.filter((e) => e.at > now - periodSeconds * 1000).reduce((n, e) => n + e.change, 0);
}

/**
 * The most (scaling up) or fewest (scaling down) replicas the policies allow now: each policy counts from
 * the replicas at the start of its period, and `selectPolicy` takes the largest change (Max) or smallest (Min).
 */
export function scaleLimit(direction: 'up' | 'down', currentReplicas: number, rules: ScalingRules, history: ScalingHistory, now: number): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const proposals = rules.policies.map((p) => {
    const start = currentReplicas - changedWithin(history.scaleUps, p.periodSeconds, now) + changedWithin(history.scaleDowns, p.periodSeconds, now);
    if (direction === 'up') return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
  });
  // The largest change (Max) is the highest count going up and the lowest going down; Min the other way round.
  const highest = (direction === 'up') === (rules.selectPolicy === 'Max');
  return highest ? Math.max(...proposals) : Math.min(...proposals);
}

/** Kubernetes' rate limits with the min/max clamp: the replicas allowed now, and whether (and why) that limited the recommendation. */
function limitRate(input: NormalizeInput, desired: number): Omit<Normalized, 'recommendations' | 'stabilized'> {
  const { currentReplicas, behavior, history, now, minReplicas, maxReplicas } = input;
  if (desired > currentReplicas) {
    const limit = Math.max(currentReplicas, scaleLimit('up', currentReplicas, behavior.scaleUp, history, now));
    const [allowed, reason, message] =
      maxReplicas > limit
        ? ([limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] as const)
        : ([maxReplicas, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'] as const);
    if (desired > allowed) return { replicas: allowed, limited: { status: true, reason, message } };
  } else if (desired < currentReplicas) {
    const limit = Math.min(currentReplicas, scaleLimit('down', currentReplicas, behavior.scaleDown, history, now));
    const [allowed, reason, message] =
      minReplicas < limit
        ? ([limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'] as const)
        : ([minReplicas, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'] as const);
    if (desired < allowed) return { replicas: allowed, limited: { status: true, reason, message } };
  }
  return { replicas: desired, limited: { status: false, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' } };
}

/** Stabilizes the metrics' recommendation, then holds it to the scaling policies and to min/max replicas. */
export function normalizeWithBehavior(input: NormalizeInput): Normalized {
  const { replicas: stable, recommendations } = stabilize(input);
  const stabilized: Normalized['stabilized'] =
    stable === input.desiredReplicas
      ? { reason: 'ReadyForNewScale', message: 'recommended size matches current size' }
      : input.desiredReplicas >= input.currentReplicas
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  return { ...limitRate(input, stable), recommendations, stabilized };
}

/**
 * Records a rescale and forgets events older than the longest policy period of their direction: they can
 * no longer limit anything.
 */
export function recordScale(history: ScalingHistory, behavior: Behavior, from: number, to: number, now: number): ScalingHistory {
  const keep = (events: ScaleEvent[], rules: ScalingRules) => {
    const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds));
    return events.filter((e) => e.at > now - longest * 1000);
  };
  const scaleUps = keep(history.scaleUps, behavior.scaleUp);
  const scaleDowns = keep(history.scaleDowns, behavior.scaleDown);
  if (to > from) scaleUps.push({ change: to - from, at: now });
  if (to < from) scaleDowns.push({ change: from - to, at: now });
  return { ...history, scaleUps, scaleDowns };
}
