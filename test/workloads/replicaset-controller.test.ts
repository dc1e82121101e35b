import test from 'ava';
import type { Pod, ReplicaSet } from '../../common/schema/index.js';
import { isPodActive, isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { waitFor } from './agent-double.js';
import { startWorkloadCluster } from './workload-cluster.js';

const rsYaml = (name: string, replicas: number) => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        tier: backend
    spec:
      containers:
        - name: main
          image: busybox:latest
`;

const activeOf = (pods: Map<string, Pod>, rs: string) => [...pods.values()].filter((p) => p.metadata.ownerReferences?.[0]?.name === rs && isPodActive(p));

test('a replica set from Git keeps its pods: named after it, labelled from the template, owned by it, and never pruned', async (t) => {
  const { client, push } = await startWorkloadCluster(t, { 'apps/api.yaml': rsYaml('api', 3) });
  const pods = await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').filter(isPodReady).length === 3);
  const rs = (await client.get({ kind: 'ReplicaSet', namespace: 'default', name: 'api' }))!;
  for (const p of activeOf(pods, 'api')) {
    t.regex(p.metadata.name, /^api-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    t.deepEqual(p.metadata.labels, { app: 'api', tier: 'backend' });
    t.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api', uid: rs.metadata.uid!, controller: true }]);
  }
  await waitFor(client, 'ReplicaSet', (rss) => rss.get('api')?.status?.readyReplicas === 3);
  t.truthy(await waitForEvent(client, 'SuccessfulCreate', /^Created pod: api-/));

  // Another commit syncs: the pods are not Git's, so it leaves them be.
  const before = activeOf(pods, 'api')
    .map((p) => p.metadata.name)
    .sort();
  await push({ 'apps/other.yaml': rsYaml('other', 1) });
  await waitFor(client, 'Pod', (ps) => activeOf(ps, 'other').length === 1);
  const after = await client.list('Pod', { namespace: 'default', labelSelector: 'app=api' });
  t.deepEqual(after.items.map((p) => p.metadata.name).sort(), before);
});

test('a replica set replaces a pod deleted through the API and scales to the count Git says', async (t) => {
  const { client, push } = await startWorkloadCluster(t, { 'apps/api.yaml': rsYaml('api', 2) });
  const pods = await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 2);
  const [victim] = activeOf(pods, 'api');
  t.true(await client.delete({ kind: 'Pod', namespace: 'default', name: victim!.metadata.name }));
  const replaced = await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 2 && !ps.has(victim!.metadata.name));
  t.is(activeOf(replaced, 'api').length, 2);

  await push({ 'apps/api.yaml': rsYaml('api', 4) });
  await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 4);
  await push({ 'apps/api.yaml': rsYaml('api', 1) });
  const scaled = await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 1 && ps.size === 1);
  t.is(scaled.size, 1);
  t.truthy(await waitForEvent(client, 'SuccessfulDelete', /^Deleted pod: api-/));
});

test('a failed pod is replaced first and deleted after', async (t) => {
  const { client } = await startWorkloadCluster(t, { 'apps/api.yaml': rsYaml('api', 1) });
  const [first] = activeOf(await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').filter(isPodReady).length === 1), 'api');
  const name = first!.metadata.name;
  // Watch from now on: the replacement must appear while the failed pod is still there.
  const list = await client.list('Pod', { namespace: 'default' });
  const order: string[] = [];
  const watching = (async () => {
    for await (const e of client.watch('Pod', { namespace: 'default', resourceVersion: list.resourceVersion }, AbortSignal.timeout(20_000))) {
      if (e.type === 'ADDED') order.push(`added ${e.object.metadata.name === name ? 'failed' : 'replacement'}`);
      if (e.type === 'DELETED' && e.object.metadata.name === name) return order.push('deleted failed');
    }
  })();
  await client.updateStatus({ kind: 'Pod', namespace: 'default', name }, { ...first!.status, phase: 'Failed', reason: 'NodeLost' });
  await watching;
  t.deepEqual(order, ['added replacement', 'deleted failed']);
});

test('deleting a replica set deletes its pods', async (t) => {
  const { client, push } = await startWorkloadCluster(t, { 'apps/api.yaml': rsYaml('api', 2) });
  await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 2);
  await push({ 'apps/api.yaml': null });
  const left = await waitFor(client, 'Pod', (ps) => ps.size === 0);
  t.is(left.size, 0);
  t.is(await client.get<'ReplicaSet'>({ kind: 'ReplicaSet', namespace: 'default', name: 'api' }), undefined);
});

test("the API deletes a controller's pod but still refuses Git-owned objects", async (t) => {
  const { client, cp } = await startWorkloadCluster(t, { 'apps/api.yaml': rsYaml('api', 1) });
  const [pod] = activeOf(await waitFor(client, 'Pod', (ps) => activeOf(ps, 'api').length === 1), 'api');
  const rs = (await client.get({ kind: 'ReplicaSet', namespace: 'default', name: 'api' })) as ReplicaSet;
  await t.throwsAsync(client.delete({ kind: 'ReplicaSet', namespace: 'default', name: 'api' }), { message: /comes from Git/ });
  await t.throwsAsync(client.update({ ...pod! }), { message: /comes from Git/ });
  t.true(await client.delete({ kind: 'Pod', namespace: 'default', name: pod!.metadata.name }));
  t.truthy(await cp.store.get({ kind: 'ReplicaSet', namespace: 'default', name: rs.metadata.name }));
});
