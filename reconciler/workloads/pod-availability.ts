import type { Pod } from '../../common/schema/index.js';

/** A pod that counts toward its controller's replicas: neither finished nor being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return isPodActive(pod) && readyCondition(pod)?.status === 'True';
}

/** When the pod became Ready (ms since the epoch), if it is and says when. */
export function readySince(pod: Pod): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const t = Date.parse(readyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Milliseconds until a ready pod has been ready for `minReadySeconds` (0: available now), undefined
 * while it is not ready. A Ready condition without a time counts as long ready.
 */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const since = readySince(pod);
  if (minReadySeconds <= 0 || since === undefined) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

export interface PodCounts {
  /** Active pods. */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** When a ready pod becomes available next (minReadySeconds), if one is waiting. */
  nextAvailableInMs?: number;
}

/** What a ReplicaSet's or Deployment's status counts, over the pods given. */
export function countPods(pods: readonly Pod[], minReadySeconds: number, now: number): PodCounts {
  const active = pods.filter(isPodActive);
  const waits = active.map((p) => msUntilAvailable(p, minReadySeconds, now)).filter((ms): ms is number => ms !== undefined);
  const pending = waits.filter((ms) => ms > 0);
  return {
    replicas: active.length,
    readyReplicas: waits.length,
    availableReplicas: waits.length - pending.length,
    ...(pending.length > 0 && { nextAvailableInMs: Math.min(...pending) }),
  };
}
