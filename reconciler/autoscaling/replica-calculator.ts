import { type Pod, parseCpuMillis, parseMemoryBytes } from '../../common/schema/index.js';
import type { PodMetric, ResourceName } from './pod-metrics.js';

/** What a Resource metric aims at: a percentage of the pods' requests, or an average per pod (millicores, bytes). */
export type ResourceTarget = { type: 'Utilization'; averageUtilization: number } | { type: 'AverageValue'; averageValue: number };

export interface CalculatorOptions {
  /** A usage ratio this close to 1 changes nothing (Kubernetes: 0.1). */
  tolerance: number;
  /** After a pod starts, its CPU sample counts only once it was taken a whole window after the pod became ready (5 min). */
  cpuInitializationPeriodMs: number;
  /** A pod not ready this long after starting is taken as never ready, not as starting (30 s). */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultCalculatorOptions: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000 };

export interface ReplicaInput {
  resource: ResourceName;
  target: ResourceTarget;
  currentReplicas: number;
  /** The pods the target's selector selects. */
  pods: readonly Pod[];
  /** Usage by pod name (pods of one namespace). */
  metrics: ReadonlyMap<string, PodMetric>;
  now: number;
  options?: CalculatorOptions;
}

export type ReplicaResult =
  | {
      ok: true;
      replicas: number;
      /** Average usage per measured pod, in percent of request (Utilization targets only). */
      utilization?: number;
      /** Average usage per measured pod: millicores or bytes. */
      averageValue: number;
    }
  | { ok: false; message: string };

const fail = (message: string): ReplicaResult => ({ ok: false, message });

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * Kubernetes' groupPods: deleted and finished pods are ignored; pending ones and (for CPU) pods not yet
 * ready, or measured before a whole window of readiness, are unready; pods without a sample are missing.
 */
function groupPods(pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, resource: ResourceName, now: number, o: CalculatorOptions) {
  const ready: string[] = [];
  const unready: string[] = [];
  const missing: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata.name;
    const phase = pod.status?.phase ?? 'Pending';
    if (pod.metadata.deletionTimestamp || phase === 'Failed' || phase === 'Succeeded') continue;
    if (phase === 'Pending') {
      unready.push(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      missing.push(name);
      continue;
    }
    if (resource === 'cpu') {
      const condition = readyCondition(pod);
      const started = Date.parse(pod.status?.startTime ?? '');
      const transition = Date.parse(condition?.lastTransitionTime ?? '') || 0;
      let isUnready: boolean;
      if (!condition || !Number.isFinite(started)) isUnready = true;
      else if (started + o.cpuInitializationPeriodMs > now) isUnready = condition.status !== 'True' || metric.timestamp < transition + metric.windowMs;
      else isUnready = condition.status !== 'True' && started + o.delayOfInitialReadinessStatusMs > transition;
      if (isUnready) {
        unready.push(name);
        continue;
      }
    }
    ready.push(name);
  }
  return { ready, unready, missing };
}

/** A pod's request of `resource` summed over its containers; undefined names the container that requests none. */
function podRequest(pod: Pod, resource: ResourceName): number | { container: string } {
  let sum = 0;
  for (const c of pod.spec.containers) {
    const q = c.resources?.requests?.[resource];
    if (q === undefined) return { container: c.name };
    sum += (resource === 'cpu' ? parseCpuMillis(q) : parseMemoryBytes(q)) ?? 0;
  }
  return sum;
}

/** The ratio of usage to target over `values` (pod name → usage), with the figures status reports. */
function usageRatio(values: ReadonlyMap<string, number>, target: ResourceTarget, requests: ReadonlyMap<string, number>) {
  let total = 0;
  let requested = 0;
  for (const [name, v] of values) {
    total += v;
    requested += requests.get(name) ?? 0;
  }
  const averageValue = Math.round(total / values.size);
  if (target.type === 'AverageValue') return { ratio: total / values.size / target.averageValue, averageValue };
  // Kubernetes truncates utilization to a whole percent before comparing.
  const utilization = Math.trunc((total * 100) / requested);
  return { ratio: utilization / target.averageUtilization, utilization, averageValue };
}

/**
 * Kubernetes' replica calculator for one Resource metric: desired = ceil(ratio × ready pods), nothing
 * within the tolerance, and — when pods are missing samples or not ready — a second, conservative pass
 * that assumes they use nothing on a scale-up and their request (or the target) on a scale-down, and
 * keeps the current count when that flips the direction.
 */
export function resourceReplicas(input: ReplicaInput): ReplicaResult {
  const { resource, target, currentReplicas, pods, now } = input;
  const o = input.options ?? defaultCalculatorOptions;
  if (pods.length === 0) return fail('no pods returned by selector while calculating replica count');
  const { ready, unready, missing } = groupPods(pods, input.metrics, resource, now, o);
  const values = new Map(ready.map((name) => [name, input.metrics.get(name)![resource]]));
  if (values.size === 0) return fail('did not receive metrics for targeted pods (pods might be unready)');

  const requests = new Map<string, number>();
  if (target.type === 'Utilization') {
    for (const pod of pods) {
      const r = podRequest(pod, resource);
      if (typeof r !== 'number') return fail(`missing request for ${resource} in container ${r.container} of Pod ${pod.metadata.name}`);
      requests.set(pod.metadata.name, r);
    }
    if ([...values.keys()].every((n) => !requests.get(n))) return fail(`the pods request no ${resource}`);
  }

  const first = usageRatio(values, target, requests);
  const figures = { averageValue: first.averageValue, ...(first.utilization !== undefined && { utilization: first.utilization }) };
  const keep = { ok: true as const, replicas: currentReplicas, ...figures };
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.ratio) <= o.tolerance) return keep;
    return { ok: true, replicas: Math.ceil(first.ratio * ready.length), ...figures };
  }

  if (first.ratio < 1) {
    // On a scale-down, a pod without a sample is taken to use its whole request (or the target, when that is higher).
    for (const name of missing)
      values.set(name, target.type === 'Utilization' ? ((requests.get(name) ?? 0) * Math.max(100, target.averageUtilization)) / 100 : target.averageValue);
  } else if (first.ratio > 1) for (const name of missing) values.set(name, 0);
  if (scaleUpWithUnready) for (const name of unready) values.set(name, 0);

  const second = usageRatio(values, target, requests).ratio;
  if (Math.abs(1 - second) <= o.tolerance || (first.ratio < 1 && second > 1) || (first.ratio > 1 && second < 1)) return keep;
  const replicas = Math.ceil(second * values.size);
  if ((second < 1 && replicas > currentReplicas) || (second > 1 && replicas < currentReplicas)) return keep;
  return { ok: true, replicas, ...figures };
}
