import type { Pod } from '../../common/schema/index.js';
import { isPodActive, isPodReady, readySince } from './pod-availability.js';

/** What a ReplicaSet must do to its pods to hold `desired` replicas. */
export interface ReplicaSetDiff {
  /** How many pods to create. */
  create: number;
  /** Active pods beyond the desired count, in the order Kubernetes removes them. */
  remove: Pod[];
  /** Failed or Succeeded pods: deleted once their replacements exist, so their status stays visible until then. */
  finished: Pod[];
}

const PHASE_RANK: Partial<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseRank = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
const maxRestarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount));
const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || Number.POSITIVE_INFINITY;

/**
 * Kubernetes' order for removing surplus pods (its `ActivePods`): the ones whose loss hurts least first —
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready, ready for
 * less time before longer, more restarts before fewer, newer before older.
 */
export function removalOrder(a: Pod, b: Pod): number {
  const byKey = [
    (p: Pod) => (p.spec.nodeName ? 1 : 0),
    phaseRank,
    (p: Pod) => (isPodReady(p) ? 1 : 0),
    (p: Pod) => -(readySince(p) ?? Number.POSITIVE_INFINITY),
    (p: Pod) => -maxRestarts(p),
    (p: Pod) => -created(p),
  ];
  for (const key of byKey) {
    const d = key(a) - key(b);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

/** Compares the pods a ReplicaSet owns with the count it wants. */
export function diffReplicaSet(desired: number, pods: readonly Pod[]): ReplicaSetDiff {
  const active = pods.filter(isPodActive);
  const finished = pods.filter((p) => !isPodActive(p) && !p.metadata.deletionTimestamp);
  if (active.length <= desired) return { create: desired - active.length, remove: [], finished };
  return { create: 0, remove: [...active].sort(removalOrder).slice(0, active.length - desired), finished };
}
