import type { Deployment } from '../../common/schema/index.js';

export interface RolloutStatus {
  done: boolean;
  /** What kubectl prints for this state. */
  message: string;
  /** The rollout will not finish by waiting (its progress deadline passed). */
  failed?: boolean;
}

/** `mkctl rollout status`: kubectl's reading of a Deployment's status, word for word. */
export function rolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name;
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 1) > (s.observedGeneration ?? 0)) return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  if (s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'))
    return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const waiting = (what: string) => ({ done: false, message: `Waiting for deployment "${name}" rollout to finish: ${what}...` });
  if (updated < d.spec.replicas) return waiting(`${updated} out of ${d.spec.replicas} new replicas have been updated`);
  if (replicas > updated) return waiting(`${replicas - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}
