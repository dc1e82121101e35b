import type { Condition, Deployment, Pod } from '../../common/schema/index.js';
import { countPods } from './pod-availability.js';

export type DeploymentStatus = NonNullable<Deployment['status']>;
export type AvailableReason = 'MinimumReplicasAvailable' | 'MinimumReplicasUnavailable';
export type ProgressingReason = 'NewReplicaSetCreated' | 'FoundNewReplicaSet' | 'ReplicaSetUpdated' | 'NewReplicaSetAvailable' | 'ProgressDeadlineExceeded';

export interface DeploymentCounts {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
}

/**
 * The counts of a Deployment's status: pods of all its ReplicaSets, those of the new one as "updated",
 * and as unavailable what the ReplicaSets ask for (`specReplicas`, their spec.replicas summed) beyond the available pods.
 */
export function deploymentCounts(
  newPods: readonly Pod[],
  allPods: readonly Pod[],
  specReplicas: number,
  minReadySeconds: number,
  now: number,
): DeploymentCounts {
  const all = countPods(allPods, minReadySeconds, now);
  return {
    replicas: all.replicas,
    updatedReplicas: countPods(newPods, minReadySeconds, now).replicas,
    readyReplicas: all.readyReplicas,
    availableReplicas: all.availableReplicas,
    unavailableReplicas: Math.max(0, specReplicas - all.availableReplicas),
  };
}

export interface StatusInput {
  deployment: Deployment;
  counts: DeploymentCounts;
  newRSName: string;
  /** The new ReplicaSet was created by this reconcile. */
  createdNewRS: boolean;
  maxUnavailable: number;
  now: Date;
}

type ConditionText<R extends string> = { type: string; status: Condition['status']; reason: R; message: string };

/**
 * Sets a condition, keeping its transition time while its status holds. `refresh` moves lastUpdateTime on
 * even when nothing else changed: that is how progress is recorded for the progress deadline.
 */
function withCondition(conditions: readonly Condition[], next: ConditionText<string>, now: Date, refresh = false): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  if (old && !refresh && old.status === next.status && old.reason === next.reason && old.message === next.message) return [...conditions];
  const stamp = now.toISOString();
  const c: Condition = { ...next, lastUpdateTime: stamp, lastTransitionTime: old?.status === next.status ? (old.lastTransitionTime ?? stamp) : stamp };
  return old ? conditions.map((x) => (x === old ? c : x)) : [...conditions, c];
}

/** Kubernetes' `DeploymentProgressing`: more pods updated, ready or available, or fewer old ones. */
function madeProgress(previous: DeploymentStatus, next: DeploymentCounts): boolean {
  const updated = previous.updatedReplicas ?? 0;
  return (
    next.updatedReplicas > updated ||
    next.replicas - next.updatedReplicas < (previous.replicas ?? 0) - updated ||
    next.readyReplicas > (previous.readyReplicas ?? 0) ||
    next.availableReplicas > (previous.availableReplicas ?? 0)
  );
}

/**
 * The status a Deployment should have now, and when to look again for its progress deadline.
 * Progressing follows Kubernetes: refreshed on every bit of progress, `NewReplicaSetAvailable` once the
 * rollout is complete (and kept while no other rollout starts), `ProgressDeadlineExceeded` when no
 * progress was made for `progressDeadlineSeconds`.
 */
export function nextDeploymentStatus(input: StatusInput): { status: DeploymentStatus; requeueAfterMs?: number } {
  const { deployment: d, counts, now } = input;
  const previous = d.status ?? {};
  const generation = d.metadata.generation ?? 1;
  const replicas = d.spec.replicas;
  const newSpec = (previous.observedGeneration ?? 0) < generation;
  const rs = `ReplicaSet "${input.newRSName}"`;
  const available = counts.availableReplicas >= replicas - input.maxUnavailable;
  let conditions = withCondition(
    previous.conditions ?? [],
    available
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' satisfies AvailableReason, message: 'Deployment has minimum availability.' }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable' satisfies AvailableReason,
          message: 'Deployment does not have minimum availability.',
        },
    now,
  );
  const progressing = (reason: ProgressingReason, message: string) => {
    conditions = withCondition(conditions, { type: 'Progressing', status: 'True', reason, message }, now, true);
  };

  const current = conditions.find((c) => c.type === 'Progressing');
  const complete = counts.updatedReplicas === replicas && counts.replicas === replicas && counts.availableReplicas === replicas;
  const settled = !newSpec && counts.replicas === counts.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  let requeueAfterMs: number | undefined;
  if (settled) {
    // A finished rollout stays finished when a pod merely dies: the ReplicaSet replaces it, no deadline applies.
  } else if (complete) {
    conditions = withCondition(
      conditions,
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `${rs} has successfully progressed.` },
      now,
    );
  } else if (input.createdNewRS) progressing('NewReplicaSetCreated', `Created new replica set "${input.newRSName}"`);
  else if (newSpec || !current) progressing('FoundNewReplicaSet', `Found new replica set "${input.newRSName}"`);
  else if (madeProgress(previous, counts)) progressing('ReplicaSetUpdated', `${rs} is progressing.`);
  else if (current.reason !== 'ProgressDeadlineExceeded') {
    const since = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime ?? '') || now.getTime();
    const left = since + d.spec.progressDeadlineSeconds * 1000 - now.getTime();
    if (left <= 0)
      conditions = withCondition(
        conditions,
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `${rs} has timed out progressing.` },
        now,
      );
    else requeueAfterMs = left;
  }
  const after = conditions.find((c) => c.type === 'Progressing');
  if (!settled && !complete && requeueAfterMs === undefined && after?.reason !== 'ProgressDeadlineExceeded')
    requeueAfterMs = d.spec.progressDeadlineSeconds * 1000;

  const status: DeploymentStatus = { observedGeneration: generation, ...counts, conditions };
  return { status, ...(requeueAfterMs !== undefined && { requeueAfterMs }) };
}
