import { labelSelectorText } from '../../common/printers/columns.js';
import type { Deployment, Pod, ReplicaSet } from '../../common/schema/index.js';
import { replicaSetNameFor } from '../../reconciler/workloads/deployment-replica-set.js';

type Lines = [label: string, value: string][];

/** `Label:  value` lines, the values aligned (at least where describe aligns its own). */
function format(lines: Lines): string[] {
  const width = Math.max(13, ...lines.map(([l]) => l.length));
  return lines.map(([l, v]) => `${l.padEnd(width)} ${v}`);
}

/** kubectl's ReplicaSet lines: selector, replicas, and how its pods are doing. */
export function replicaSetSummary(rs: ReplicaSet, pods: readonly Pod[]): string[] {
  const phase = (p: string) => pods.filter((pod) => (pod.status?.phase ?? 'Pending') === p).length;
  return format([
    ['Selector:', labelSelectorText(rs.spec.selector)],
    ['Replicas:', `${rs.status?.replicas ?? 0} current / ${rs.spec.replicas} desired`],
    ['Pods Status:', `${phase('Running')} Running / ${phase('Pending')} Waiting / ${phase('Succeeded')} Succeeded / ${phase('Failed')} Failed`],
  ]);
}

const created = (rs: ReplicaSet) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas} replicas created)`;

/** kubectl's Deployment lines: replica counts, strategy, and its new and old ReplicaSets. */
export function deploymentSummary(d: Deployment, replicaSets: readonly ReplicaSet[]): string[] {
  const s = d.status ?? {};
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  const rolling = d.spec.strategy?.rollingUpdate;
  const current = replicaSets.find((rs) => rs.metadata.name === replicaSetNameFor(d));
  const old = replicaSets.filter((rs) => rs !== current && (rs.spec.replicas > 0 || (rs.status?.replicas ?? 0) > 0));
  return format([
    ['Selector:', labelSelectorText(d.spec.selector)],
    [
      'Replicas:',
      `${d.spec.replicas} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ` +
        `${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`,
    ],
    ['StrategyType:', strategy],
    ['MinReadySeconds:', String(d.spec.minReadySeconds ?? 0)],
    ...(strategy === 'RollingUpdate'
      ? ([['RollingUpdateStrategy:', `${rolling?.maxUnavailable ?? '25%'} max unavailable, ${rolling?.maxSurge ?? '25%'} max surge`]] as Lines)
      : []),
    ['OldReplicaSets:', old.map(created).join(', ') || '<none>'],
    ['NewReplicaSet:', current ? created(current) : '<none>'],
  ]);
}
