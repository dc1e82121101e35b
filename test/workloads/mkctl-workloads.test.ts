import test from 'ava';
import { columnsFor } from '../../common/printers/columns.js';
import type { ApiObject, Deployment, ReplicaSet } from '../../common/schema/index.js';
import { parseDuration } from '../../mkctl/commands/rollout.js';
import { deploymentSummary, replicaSetSummary } from '../../mkctl/printers/workload-describe.js';
import { replicaSetFor } from '../../reconciler/workloads/deployment-replica-set.js';
import { deployment, pod } from './workload-fixtures.js';

const now = new Date('2024-05-01T10:00:00Z');
const row = (o: ApiObject, wide: boolean) => columnsFor(o.kind, wide).map((c) => `${c.header}=${c.cell(o, now)}`);

test("get rs and get deploy print kubectl's columns, wide adds containers, images and selector", (t) => {
  const d: Deployment = { ...deployment('web'), status: { replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1 } };
  t.deepEqual(row(d, false), ['NAME=web', 'READY=2/3', 'UP-TO-DATE=2', 'AVAILABLE=1', 'AGE=<unknown>']);
  const rs: ReplicaSet = { ...replicaSetFor(d, 3, 1), status: { replicas: 2, readyReplicas: 1 } };
  const hash = rs.metadata.labels!['pod-template-hash'];
  t.deepEqual(row(rs, true), [
    `NAME=${rs.metadata.name}`,
    'DESIRED=3',
    'CURRENT=2',
    'READY=1',
    'CONTAINERS=main',
    'IMAGES=busybox:latest',
    `SELECTOR=app=web,pod-template-hash=${hash}`,
    'AGE=<unknown>',
  ]);
});

test('describe rs counts its pods by phase; describe deploy names its new and old replica sets', (t) => {
  const d = deployment('web');
  const current: ReplicaSet = { ...replicaSetFor(d, 3, 2), status: { replicas: 3 } };
  const old: ReplicaSet = { ...replicaSetFor(deployment('web', {}, 'busybox:old'), 1, 1), status: { replicas: 1 } };
  const lines = replicaSetSummary(current, [pod('a'), pod('b', { phase: 'Pending' }), pod('c', { phase: 'Failed' })]);
  t.true(lines.includes('Replicas:     3 current / 3 desired'));
  t.true(lines.includes('Pods Status:  1 Running / 1 Waiting / 0 Succeeded / 1 Failed'));
  const summary = deploymentSummary({ ...d, status: { replicas: 4, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 } }, [old, current]);
  t.true(summary.includes('Replicas:              3 desired | 3 updated | 4 total | 3 available | 1 unavailable'));
  t.true(summary.includes('RollingUpdateStrategy: 25% max unavailable, 25% max surge'));
  t.true(summary.includes(`OldReplicaSets:        ${old.metadata.name} (1/1 replicas created)`));
  t.true(summary.includes(`NewReplicaSet:         ${current.metadata.name} (3/3 replicas created)`));
});

test("rollout status takes kubectl's durations for --timeout", (t) => {
  t.is(parseDuration('90s'), 90_000);
  t.is(parseDuration('1h30m'), 5_400_000);
  t.is(parseDuration('250ms'), 250);
  t.is(parseDuration('0'), 0);
  t.throws(() => parseDuration('5 minutes'), { message: /invalid duration "5 minutes"/ });
  t.throws(() => parseDuration('10'), { message: /invalid duration/ });
});
