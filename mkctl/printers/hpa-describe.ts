import type { HorizontalPodAutoscaler } from '../../common/schema/index.js';
import { type MetricSpec, metricsOf } from '../../reconciler/autoscaling/autoscale.js';
import { behaviorOf, type ScalingRules } from '../../reconciler/autoscaling/scaling-behavior.js';
import { formatTable } from './table.js';

const line = (label: string, value: string) => `${label.padEnd(13)} ${value}`;

/** One metric as kubectl describes it: `resource cpu on pods  (as a percentage of request):  85% (425m) / 50%`. */
function metricLine(hpa: HorizontalPodAutoscaler, m: MetricSpec): string {
  const { name, target } = m.resource;
  const current = hpa.status?.currentMetrics?.find((c) => c.resource.name === name)?.resource.current;
  if (target.type === 'Utilization') {
    const now = current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}% (${current.averageValue ?? '?'})`;
    return `  resource ${name} on pods  (as a percentage of request):  ${now} / ${target.averageUtilization}%`;
  }
  return `  resource ${name} on pods:  ${current?.averageValue ?? '<unknown>'} / ${target.averageValue}`;
}

function rulesLines(title: string, r: ScalingRules): string[] {
  const policies = r.policies.map((p) => `${p.type === 'Pods' ? `${p.value} pods` : `${p.value}%`} per ${p.periodSeconds}s`).join(', ');
  return [
    `  ${title}:  stabilization window ${r.stabilizationWindowSeconds}s, ${r.selectPolicy === 'Disabled' ? 'disabled' : `${r.selectPolicy} of: ${policies}`}`,
  ];
}

/**
 * kubectl's HPA lines: the target, each metric as current / target, the bounds, the behavior in force
 * (defaults filled in), the replica counts and the conditions; the events follow from describe.
 */
export function hpaSummary(hpa: HorizontalPodAutoscaler): string[] {
  const { scaleTargetRef: ref, minReplicas, maxReplicas } = hpa.spec;
  const behavior = behaviorOf(hpa);
  const conditions = hpa.status?.conditions ?? [];
  return [
    line('Reference:', `${ref.kind}/${ref.name}`),
    line('Metrics:', '( current / target )'),
    ...metricsOf(hpa).map((m) => metricLine(hpa, m)),
    line('Min replicas:', String(minReplicas)),
    line('Max replicas:', String(maxReplicas)),
    'Behavior:',
    ...rulesLines('Scale Up', behavior.scaleUp),
    ...rulesLines('Scale Down', behavior.scaleDown),
    line(`${ref.kind} pods:`, `${hpa.status?.currentReplicas ?? 0} current / ${hpa.status?.desiredReplicas ?? 0} desired`),
    ...(conditions.length === 0
      ? [line('Conditions:', '<none>')]
      : [
          'Conditions:',
          ...formatTable(
            ['Type', 'Status', 'Reason', 'Message'],
            [['----', '------', '------', '-------'], ...conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? ''])],
            { upperCaseHeaders: false },
          )
            .split('\n')
            .map((l) => `  ${l}`),
        ]),
  ];
}
