import type { Pod } from '../../common/schema/index.js';

/**
 * The STATUS column as kubectl derives it: a container's waiting or terminated reason
 * (CrashLoopBackOff, ErrImagePull, Error) says more than the phase, so it wins.
 */
export function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state.waiting?.reason;
    const terminated = c.state.terminated;
    if (waiting && waiting !== 'ContainerCreating') return waiting;
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated.reason ?? (terminated.exitCode === 0 ? 'Completed' : 'Error');
  }
  return reason;
}

/** READY: ready containers out of those the spec declares. */
export function podReady(pod: Pod): string {
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${pod.spec.containers.length}`;
}

export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
}
