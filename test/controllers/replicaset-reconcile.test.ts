import test from 'ava';
import type { ReplicaSet } from '../../common/schema/index.js';
import { ReplicaSetController } from '../../reconciler/controllers/replicaset-controller.js';
import { podForReplicaSet } from '../../reconciler/workloads/pod-for-replica-set.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';

const KEY = 'ReplicaSet/default/web';

function replicaSet(replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'main', image: 'busybox:latest' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 1 },
      },
    },
  };
}

async function fixture(t: Parameters<typeof controllerFixture>[0], replicas: number, existingPods = 0) {
  const f = await controllerFixture(t, [replicaSet(replicas)]);
  const rs = await f.store.mustGet({ kind: 'ReplicaSet', namespace: 'default', name: 'web' });
  for (let i = 0; i < existingPods; i++) await f.store.create(podForReplicaSet(rs, `p${i}`));
  const [pods, replicaSets] = await Promise.all([f.informer('Pod'), f.informer('ReplicaSet')]);
  const controller = await f.controller(() => new ReplicaSetController({ store: f.store, pods, replicaSets, log: silentLog }));
  const podNames = async () => (await f.store.list('Pod', 'default')).items.map((p) => p.metadata.name).sort();
  const reasons = async () => (await f.store.list('Event', 'default')).items.map((e) => e.reason).sort();
  return { ...f, controller, podNames, reasons };
}

test('creates the missing pods, owned by the replica set, and counts them in its status', async (t) => {
  const f = await fixture(t, 2);
  await f.controller.reconcile(KEY);
  const pods = (await f.store.list('Pod', 'default')).items;
  t.is(pods.length, 2);
  const rs = await f.store.mustGet({ kind: 'ReplicaSet', namespace: 'default', name: 'web' });
  for (const p of pods) t.is(p.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);
  t.deepEqual(await f.reasons(), ['SuccessfulCreate', 'SuccessfulCreate']);
  t.like(rs.status, { replicas: 2, observedGeneration: rs.metadata.generation });
});

test('deletes surplus pods down to the replica count', async (t) => {
  const f = await fixture(t, 1, 3);
  await f.controller.reconcile(KEY);
  t.is((await f.podNames()).length, 1);
  t.deepEqual(await f.reasons(), ['SuccessfulDelete', 'SuccessfulDelete']);
});

test('does nothing when in sync', async (t) => {
  const f = await fixture(t, 2);
  await f.controller.reconcile(KEY);
  const before = await f.revision();
  await f.controller.reconcile(KEY);
  t.is(await f.revision(), before);
});

test('deletes the pods of a replica set that is gone', async (t) => {
  const f = await fixture(t, 2, 2);
  await f.store.delete({ kind: 'ReplicaSet', namespace: 'default', name: 'web' });
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.podNames(), []);
});
