import { formatUsage } from '../../common/printers/usage.js';
import { type Condition, type HorizontalPodAutoscaler, type Pod, parseCpuMillis, parseMemoryBytes } from '../../common/schema/index.js';
import type { PodMetric, ResourceName } from './pod-metrics.js';
import { type CalculatorOptions, type ResourceTarget, resourceReplicas } from './replica-calculator.js';
import { behaviorOf, normalizeWithBehavior, recordScale, type ScalingHistory } from './scaling-behavior.js';

export type HpaConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
export type HpaCondition = Required<Pick<Condition, 'status' | 'reason' | 'message'>> & { type: HpaConditionType };
export type CurrentMetric = NonNullable<NonNullable<HorizontalPodAutoscaler['status']>['currentMetrics']>[number];
export type MetricSpec = NonNullable<HorizontalPodAutoscaler['spec']['metrics']>[number];

export interface AutoscaleInput {
  hpa: HorizontalPodAutoscaler;
  /** The target's `spec.replicas`. */
  currentReplicas: number;
  /** The pods the target's selector selects. */
  pods: readonly Pod[];
  /** Usage by pod name. */
  metrics: ReadonlyMap<string, PodMetric>;
  /** What earlier decisions of this HPA left; undefined on its first reconcile (or after a restart). */
  history: ScalingHistory | undefined;
  now: number;
  options?: CalculatorOptions;
}

export interface AutoscaleDecision {
  desiredReplicas: number;
  /** The target's replicas should become `desiredReplicas`. */
  rescale: boolean;
  /** Why, for the SuccessfulRescale event. */
  reason?: string;
  currentMetrics: CurrentMetric[];
  /** The conditions this decision sets; the others stay as they were. */
  conditions: HpaCondition[];
  history: ScalingHistory;
  /** A metric could not be computed: a Warning event's reason and message. */
  warning?: { reason: 'FailedGetResourceMetric'; message: string };
}

/** The v2 API's default when an HPA names no metric: 80 % of the pods' CPU request. */
const DEFAULT_METRICS: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

/** The metrics an HPA scales on, the default filled in. */
export function metricsOf(hpa: HorizontalPodAutoscaler): MetricSpec[] {
  return hpa.spec.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS;
}

const condition = (type: HpaConditionType, status: boolean, reason: string, message: string): HpaCondition => ({
  type,
  status: status ? 'True' : 'False',
  reason,
  message,
});

/** How Kubernetes names a metric in reasons and messages. */
export function metricName(m: MetricSpec): string {
  const { name, target } = m.resource;
  return target.type === 'Utilization' ? `${name} resource utilization (percentage of request)` : `${name} resource`;
}

function targetOf(m: MetricSpec): ResourceTarget | string {
  const { name, target } = m.resource;
  if (target.type === 'Utilization') return { type: 'Utilization', averageUtilization: target.averageUtilization! };
  const value = name === 'cpu' ? parseCpuMillis(target.averageValue!) : parseMemoryBytes(target.averageValue!);
  return value === undefined || value <= 0 ? `invalid ${name} averageValue ${String(target.averageValue)}` : { type: 'AverageValue', averageValue: value };
}

/** Kubernetes' computeReplicasForMetrics: the largest proposal over the metrics, or why none can be trusted. */
function replicasForMetrics(input: AutoscaleInput, specs: MetricSpec[]) {
  let replicas = 0;
  let name = '';
  let firstError: string | undefined;
  const currentMetrics: CurrentMetric[] = [];
  for (const spec of specs) {
    const target = targetOf(spec);
    const r =
      typeof target === 'string'
        ? { ok: false as const, message: target }
        : resourceReplicas({
            resource: spec.resource.name as ResourceName,
            target,
            currentReplicas: input.currentReplicas,
            pods: input.pods,
            metrics: input.metrics,
            now: input.now,
            ...(input.options && { options: input.options }),
          });
    if (!r.ok) {
      firstError ??= r.message;
      continue;
    }
    const current = {
      averageValue: formatUsage(spec.resource.name, r.averageValue),
      ...(r.utilization !== undefined && { averageUtilization: r.utilization }),
    };
    currentMetrics.push({ type: 'Resource', resource: { name: spec.resource.name, current } });
    // The metric asking for most names the decision (the first valid one while all ask for none).
    if (r.replicas > replicas || !name) {
      replicas = r.replicas;
      name = metricName(spec);
    }
  }
  const invalid = specs.length - currentMetrics.length;
  // All metrics failed, or some did and the rest would scale down: a missing metric might have asked for more.
  const error = invalid === specs.length || (invalid > 0 && replicas < input.currentReplicas) ? firstError : undefined;
  return { replicas, name, currentMetrics, error };
}

/**
 * One HPA decision, as Kubernetes' reconcileAutoscaler makes it: a target outside min/max is brought
 * inside; otherwise the metrics' proposal is stabilized, held to the scaling policies and clamped. A
 * target scaled to 0 by hand is left alone (autoscaling disabled).
 */
export function autoscale(input: AutoscaleInput): AutoscaleDecision {
  const { hpa, currentReplicas, now } = input;
  const { minReplicas, maxReplicas } = hpa.spec;
  const behavior = behaviorOf(hpa);
  // A fresh controller starts its scale-down window at the current count: no scale-down the moment it starts.
  const history: ScalingHistory = input.history ?? {
    recommendations: behavior.scaleDown.stabilizationWindowSeconds > 0 ? [{ replicas: hpa.status?.currentReplicas ?? currentReplicas, at: now }] : [],
    scaleUps: [],
    scaleDowns: [],
  };
  const gotScale = condition('AbleToScale', true, 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
  const rescaled = (
    desiredReplicas: number,
    reason: string,
    conditions: HpaCondition[],
    currentMetrics: CurrentMetric[] = [],
    h = history,
  ): AutoscaleDecision => ({
    desiredReplicas,
    rescale: true,
    reason,
    currentMetrics,
    conditions: [
      condition('AbleToScale', true, 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`),
      ...conditions,
    ],
    history: recordScale(h, behavior, currentReplicas, desiredReplicas, now),
  });

  if (currentReplicas === 0 && minReplicas !== 0)
    return {
      desiredReplicas: 0,
      rescale: false,
      currentMetrics: [],
      history,
      conditions: [gotScale, condition('ScalingActive', false, 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero')],
    };
  if (currentReplicas > maxReplicas) return rescaled(maxReplicas, 'Current number of replicas above Spec.MaxReplicas', []);
  if (currentReplicas < minReplicas) return rescaled(minReplicas, 'Current number of replicas below Spec.MinReplicas', []);

  const specs = metricsOf(hpa);
  const proposal = replicasForMetrics(input, specs);
  if (proposal.error !== undefined)
    return {
      desiredReplicas: currentReplicas,
      rescale: false,
      currentMetrics: proposal.currentMetrics,
      history,
      conditions: [
        gotScale,
        condition('ScalingActive', false, 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${proposal.error}`),
      ],
      warning: { reason: 'FailedGetResourceMetric', message: proposal.error },
    };
  const active = condition('ScalingActive', true, 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${proposal.name}`);
  const normalized = normalizeWithBehavior({ currentReplicas, desiredReplicas: proposal.replicas, minReplicas, maxReplicas, behavior, history, now });
  const limited = condition('ScalingLimited', normalized.limited.status, normalized.limited.reason, normalized.limited.message);
  const next = { ...history, recommendations: normalized.recommendations };
  if (normalized.replicas === currentReplicas)
    return {
      desiredReplicas: currentReplicas,
      rescale: false,
      currentMetrics: proposal.currentMetrics,
      history: next,
      conditions: [condition('AbleToScale', true, normalized.stabilized.reason, normalized.stabilized.message), active, limited],
    };
  const reason = proposal.replicas > currentReplicas ? `${proposal.name} above target` : 'All metrics below target';
  return rescaled(normalized.replicas, reason, [active, limited], proposal.currentMetrics, next);
}
