import test from 'ava';
import type { Deployment } from '../../common/schema/index.js';
import { type DeploymentCounts, nextDeploymentStatus } from '../../reconciler/workloads/deployment-status.js';
import { rolloutStatus } from '../../reconciler/workloads/rollout-status.js';
import { deployment } from './workload-fixtures.js';

const T0 = new Date('2024-05-01T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const counts = (replicas: number, updated: number, available: number, ready = available): DeploymentCounts => ({
  replicas,
  updatedReplicas: updated,
  readyReplicas: ready,
  availableReplicas: available,
  unavailableReplicas: Math.max(0, 3 - available),
});
const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** Applies one status computation to the deployment, as the controller's write would. */
function step(d: Deployment, c: DeploymentCounts, now: Date, createdNewRS = false) {
  const next = nextDeploymentStatus({ deployment: d, counts: c, newRSName: 'web-abc', createdNewRS, maxUnavailable: 0, now });
  return { d: { ...d, status: next.status }, requeueAfterMs: next.requeueAfterMs };
}

test('a new rollout is Progressing with NewReplicaSetCreated and looks again at its deadline', (t) => {
  const { d, requeueAfterMs } = step(deployment('web', { progressDeadlineSeconds: 60 }), counts(0, 0, 0), T0, true);
  t.like(condition(d, 'Progressing'), { status: 'True', reason: 'NewReplicaSetCreated', message: 'Created new replica set "web-abc"' });
  t.like(condition(d, 'Available'), { status: 'False', reason: 'MinimumReplicasUnavailable' });
  t.is(requeueAfterMs, 60_000);
  t.like(d.status, { observedGeneration: 1, replicas: 0, updatedReplicas: 0 });
});

test('progress refreshes the deadline; completion says NewReplicaSetAvailable', (t) => {
  let { d } = step(deployment('web', { progressDeadlineSeconds: 60 }), counts(0, 0, 0), T0, true);
  ({ d } = step(d, counts(2, 2, 1), at(50)));
  t.like(condition(d, 'Progressing'), { reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.', lastUpdateTime: at(50).toISOString() });
  const done = step(d, counts(3, 3, 3), at(100));
  t.like(condition(done.d, 'Progressing'), { status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' });
  t.like(condition(done.d, 'Available'), { status: 'True', reason: 'MinimumReplicasAvailable' });
  t.is(done.requeueAfterMs, undefined);
});

test('no progress for progressDeadlineSeconds is ProgressDeadlineExceeded', (t) => {
  let { d } = step(deployment('web', { progressDeadlineSeconds: 60 }), counts(1, 1, 0), T0, true);
  const waiting = step(d, counts(1, 1, 0), at(30));
  t.is(waiting.requeueAfterMs, 30_000);
  ({ d } = step(waiting.d, counts(1, 1, 0), at(61)));
  t.like(condition(d, 'Progressing'), { status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' });
  t.deepEqual(rolloutStatus(d), { done: false, failed: true, message: 'deployment "web" exceeded its progress deadline' });
});

test('a pod dying after the rollout finished does not reopen it', (t) => {
  let { d } = step(deployment('web'), counts(3, 3, 3), T0);
  ({ d } = step(d, counts(3, 3, 2), at(1000)));
  t.like(condition(d, 'Progressing'), { reason: 'NewReplicaSetAvailable' });
});

test('the condition keeps its transition time while its status holds', (t) => {
  let { d } = step(deployment('web'), counts(0, 0, 0), T0, true);
  ({ d } = step(d, counts(1, 1, 1), at(10)));
  t.is(condition(d, 'Progressing')?.lastTransitionTime, T0.toISOString());
});

test('rollout status reads as kubectl prints it', (t) => {
  const d = deployment('web');
  const withStatus = (status: Deployment['status'], generation = 1): Deployment => ({ ...d, metadata: { ...d.metadata, generation }, status });
  t.is(rolloutStatus(withStatus({ observedGeneration: 1 }, 2)).message, 'Waiting for deployment spec update to be observed...');
  t.is(
    rolloutStatus(withStatus({ observedGeneration: 1, replicas: 4, updatedReplicas: 1 })).message,
    'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
  );
  t.is(
    rolloutStatus(withStatus({ observedGeneration: 1, replicas: 4, updatedReplicas: 3 })).message,
    'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
  );
  t.is(
    rolloutStatus(withStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 })).message,
    'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
  );
  t.deepEqual(rolloutStatus(withStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 })), {
    done: true,
    message: 'deployment "web" successfully rolled out',
  });
});
