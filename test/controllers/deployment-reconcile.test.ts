import test from 'ava';
import type { Deployment, ReplicaSet } from '../../common/schema/index.js';
import { DeploymentController } from '../../reconciler/controllers/deployment-controller.js';
import { replicaSetNameFor } from '../../reconciler/workloads/deployment-replica-set.js';
import { podForReplicaSet } from '../../reconciler/workloads/pod-for-replica-set.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { deployment } from '../workloads/workload-fixtures.js';

const KEY = 'Deployment/default/web';
const web = (image = 'busybox:latest') => deployment('web', {}, image);

async function fixture(t: Parameters<typeof controllerFixture>[0], d: Deployment = web()) {
  const f = await controllerFixture(t, [d]);
  const [deployments, replicaSets] = await Promise.all([f.informer('Deployment'), f.informer('ReplicaSet')]);
  const controller = await f.controller(() => new DeploymentController({ store: f.store, deployments, replicaSets, log: silentLog }));
  const replicas = async () => Object.fromEntries((await f.store.list('ReplicaSet', 'default')).items.map((rs) => [rs.metadata.name, rs.spec.replicas]));
  const events = async () => (await f.store.list('Event', 'default')).items.map((e) => e.message).sort();
  /** `n` pods of the replica set, Ready long enough to count as available. */
  const readyPods = async (rs: ReplicaSet, n: number) => {
    for (let i = 0; i < n; i++) {
      const pod = await f.store.create(podForReplicaSet(rs, `${rs.metadata.name}-${i}`));
      await f.store.updateStatus(
        { kind: 'Pod', namespace: 'default', name: pod.metadata.name },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
        },
      );
    }
  };
  return { ...f, controller, replicas, events, readyPods };
}

test('creates the replica set of its template at full size, owned by the deployment, and says so in an event', async (t) => {
  const f = await fixture(t);
  await f.controller.reconcile(KEY);
  const [rs, ...others] = (await f.store.list('ReplicaSet', 'default')).items;
  t.deepEqual(others, []);
  t.is(rs!.metadata.name, replicaSetNameFor(web()));
  t.is(rs!.spec.replicas, 3);
  t.like(rs!.metadata.ownerReferences?.[0], { kind: 'Deployment', name: 'web', controller: true });
  t.is(rs!.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  t.deepEqual(await f.events(), [`Scaled up replica set ${rs!.metadata.name} from 0 to 3`]);
  const d = await f.store.mustGet({ kind: 'Deployment', namespace: 'default', name: 'web' });
  t.like(d.status, { observedGeneration: 1, replicas: 0, availableReplicas: 0 });
});

test('a new template surges a new replica set and leaves the old one until new pods are available', async (t) => {
  const f = await fixture(t);
  await f.controller.reconcile(KEY);
  const [old] = (await f.store.list('ReplicaSet', 'default')).items;
  await f.readyPods(old!, 3);
  const d = await f.store.mustGet({ kind: 'Deployment', namespace: 'default', name: 'web' });
  await f.store.update<Deployment>({ ...d, spec: { ...d.spec, template: web('busybox:2').spec.template } });
  await f.controller.reconcile(KEY);
  const replicas = await f.replicas();
  const next = Object.keys(replicas).find((name) => name !== old!.metadata.name)!;
  // 25 % of 3 may surge (rounded up to 1); none of the old may go while the new pod is not available.
  t.deepEqual(replicas, { [old!.metadata.name]: 3, [next]: 1 });
  const rs = await f.store.mustGet({ kind: 'ReplicaSet', namespace: 'default', name: next });
  t.is(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
});

test('does nothing when in sync', async (t) => {
  const f = await fixture(t);
  await f.controller.reconcile(KEY);
  const [rs] = (await f.store.list('ReplicaSet', 'default')).items;
  await f.readyPods(rs!, 3);
  await f.controller.reconcile(KEY);
  const before = await f.revision();
  await f.controller.reconcile(KEY);
  t.is(await f.revision(), before);
});

test('deletes the replica sets of a deployment that is gone', async (t) => {
  const f = await fixture(t);
  await f.controller.reconcile(KEY);
  await f.store.delete({ kind: 'Deployment', namespace: 'default', name: 'web' });
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), {});
});
