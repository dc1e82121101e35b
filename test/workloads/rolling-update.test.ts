import test from 'ava';
import {
  deploymentStrategy,
  type ReplicaSetState,
  recreateStep,
  resolveFenceposts,
  rollingUpdateStep,
  type Strategy,
} from '../../reconciler/workloads/rollout-step.js';
import { deployment } from './workload-fixtures.js';

const rs = (name: string, replicas: number, available = replicas, pods = replicas): ReplicaSetState => ({ name, replicas, available, pods });
/** Resolved as Kubernetes resolves them: both 0 become 1 unavailable. */
const rolling = (maxSurge: number, maxUnavailable: number, replicas = 10): Strategy => ({
  type: 'RollingUpdate',
  ...resolveFenceposts(maxSurge, maxUnavailable, replicas),
});
const toOf = (changes: { name: string; to: number }[], name: string) => changes.find((c) => c.name === name)?.to;

// Kubernetes' TestDeploymentController_reconcileNewReplicaSet, row by row (maxUnavailable 0).
for (const [replicas, maxSurge, oldReplicas, newReplicas, expected] of [
  [10, 0, 10, 0, undefined],
  [10, 2, 10, 0, 2],
  [10, 2, 5, 0, 7],
  [10, 2, 10, 2, undefined],
  [10, 2, 2, 11, 10],
] as const) {
  const outcome = expected === undefined ? 'not scaled up' : `scaled to ${expected}`;
  test(`new replica set of ${replicas} with surge ${maxSurge}, old ${oldReplicas} and new ${newReplicas}: ${outcome}`, (t) => {
    const changes = rollingUpdateStep({ replicas, newRS: rs('new', newReplicas, 0), oldRSs: [rs('old', oldReplicas, 0)] }, rolling(maxSurge, 0));
    t.is(toOf(changes, 'new'), expected);
  });
}

// Kubernetes' TestDeploymentController_reconcileOldReplicaSets (maxSurge 0).
for (const [replicas, maxUnavailable, oldReplicas, newReplicas, oldReady, newReady, expected] of [
  [10, 0, 10, 0, 10, 0, 9],
  [10, 2, 10, 0, 10, 0, 8],
  [10, 2, 10, 0, 8, 0, 8],
  [10, 2, 10, 0, 9, 0, 8],
  [10, 2, 8, 2, 8, 0, undefined],
] as const) {
  const outcome = expected === undefined ? 'kept' : `scaled to ${expected}`;
  const sets = `old replica set of ${oldReplicas} (${oldReady} available) next to new ${newReplicas} (${newReady} available)`;
  test(`${sets}, ${maxUnavailable} unavailable allowed: ${outcome}`, (t) => {
    const changes = rollingUpdateStep(
      { replicas, newRS: rs('new', newReplicas, newReady), oldRSs: [rs('old', oldReplicas, oldReady)] },
      rolling(0, maxUnavailable),
    );
    t.is(toOf(changes, 'new'), undefined);
    t.is(toOf(changes, 'old'), expected);
  });
}

test('old replica sets are scaled down oldest first', (t) => {
  const changes = rollingUpdateStep({ replicas: 4, newRS: rs('v3', 4, 4), oldRSs: [rs('v1', 1), rs('v2', 2)] }, rolling(1, 0));
  t.deepEqual(changes, [
    { name: 'v1', from: 1, to: 0 },
    { name: 'v2', from: 2, to: 0 },
  ]);
});

test('a new version that never becomes available does not drain the old one', (t) => {
  // Kubernetes' "case 1": 10 replicas, surge 3, unavailable 2; old at 8 and new at 5, all new pods crashing.
  const changes = rollingUpdateStep({ replicas: 10, newRS: rs('new', 5, 0), oldRSs: [rs('old', 8, 7)] }, rolling(3, 2));
  t.deepEqual(changes, []);
});

test('a scale-down of the deployment scales the new replica set down', (t) => {
  t.deepEqual(rollingUpdateStep({ replicas: 2, newRS: rs('new', 5), oldRSs: [] }, rolling(1, 0)), [{ name: 'new', from: 5, to: 2 }]);
});

test('a finished rollout needs no step', (t) => {
  t.deepEqual(rollingUpdateStep({ replicas: 3, newRS: rs('new', 3), oldRSs: [rs('old', 0, 0, 0)] }, rolling(1, 0)), []);
});

/**
 * Runs a whole rollout from 5 old pods to 5 new ones, as the controllers would: after each step the
 * ReplicaSets converge at once, and new pods become available one reconcile later. Availability may
 * never drop below replicas − maxUnavailable, nor pods exceed replicas + maxSurge.
 */
for (const [maxSurge, maxUnavailable] of [
  [1, 0],
  [0, 1],
  [2, 2],
  [5, 0],
] as const) {
  test(`a rollout with surge ${maxSurge} and unavailable ${maxUnavailable} stays within both bounds and completes`, (t) => {
    const replicas = 5;
    const strategy = rolling(maxSurge, maxUnavailable, replicas);
    let newRS = rs('new', 0);
    let oldRS = rs('old', 5);
    let steps = 0;
    for (; steps < 50; steps++) {
      const changes = rollingUpdateStep({ replicas, newRS, oldRSs: [oldRS] }, strategy);
      // Pods the ReplicaSet controller created last round become available now; removals are immediate.
      newRS = { ...newRS, available: newRS.replicas, pods: newRS.replicas };
      if (changes.length === 0 && newRS.available === replicas && oldRS.replicas === 0) break;
      for (const c of changes) {
        if (c.name === 'new') newRS = { ...newRS, replicas: c.to, pods: c.to, available: Math.min(newRS.available, c.to) };
        else oldRS = rs('old', c.to);
      }
      t.true(newRS.pods + oldRS.pods <= replicas + maxSurge, `too many pods at step ${steps}`);
      t.true(newRS.available + oldRS.available >= replicas - maxUnavailable, `too few available at step ${steps}`);
    }
    t.is(newRS.replicas, replicas);
    t.is(oldRS.replicas, 0);
    t.true(steps < 50);
  });
}

test('recreate scales every old replica set to 0 first', (t) => {
  t.deepEqual(recreateStep({ replicas: 3, newRS: rs('new', 0), oldRSs: [rs('v1', 1), rs('v2', 3)] }), [
    { name: 'v1', from: 1, to: 0 },
    { name: 'v2', from: 3, to: 0 },
  ]);
});

test('recreate waits for the old pods to be gone before scaling the new replica set up', (t) => {
  t.deepEqual(recreateStep({ replicas: 3, newRS: rs('new', 0), oldRSs: [rs('old', 0, 0, 2)] }), []);
  t.deepEqual(recreateStep({ replicas: 3, newRS: rs('new', 0), oldRSs: [rs('old', 0, 0, 0)] }), [{ name: 'new', from: 0, to: 3 }]);
});

test('surge rounds up and unavailability down, from the 25 % defaults', (t) => {
  t.like(deploymentStrategy(deployment('web', { replicas: 10 })), { type: 'RollingUpdate', maxSurge: 3, maxUnavailable: 2 });
  t.like(deploymentStrategy(deployment('web', { replicas: 1 })), { maxSurge: 1, maxUnavailable: 0 });
});

test('when both bounds come to 0 one pod may be unavailable', (t) => {
  const d = deployment('web', { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } } });
  t.like(deploymentStrategy(d), { maxSurge: 0, maxUnavailable: 1 });
});

test('unavailability is capped at the replica count', (t) => {
  const d = deployment('web', { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 5 } } });
  t.like(deploymentStrategy(d), { maxSurge: 1, maxUnavailable: 2 });
});
