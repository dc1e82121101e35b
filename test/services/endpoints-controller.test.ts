import test from 'ava';
import type { Endpoints, Pod } from '../../common/schema/index.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makeEndpoints, makeService, makeServingPod } from './fixtures.js';

const ips = (e: Endpoints | undefined) => e?.subsets.flatMap((s) => s.addresses.map((a) => a.ip)) ?? [];
const podRef = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name });

test('endpoints follow the Ready pods: in when Ready, out when not Ready or deleted, gone with the service', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  const { store } = cp;
  await store.create(makeService('web', { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] }));
  // Pods as the agents report them: created, then their status written.
  const pods = [
    makeServingPod('a', { app: 'web' }, '10.244.1.2', { ports: [{ name: 'http', containerPort: 8080 }] }),
    makeServingPod('b', { app: 'web' }, '10.244.2.2', { ports: [{ name: 'http', containerPort: 8080 }] }),
  ];
  for (const { status, ...pod } of pods) {
    await store.create(pod as Pod);
    await store.updateStatus(podRef(pod.metadata.name), status);
  }
  const both = await waitForObject(client, 'Endpoints', 'web', (e) => ips(e).length === 2);
  t.deepEqual(ips(both), ['10.244.1.2', '10.244.2.2']);
  t.deepEqual(both?.subsets[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  t.like(both?.metadata.ownerReferences?.[0], { kind: 'Service', name: 'web', controller: true });

  await store.updateStatus(podRef('a'), { ...pods[0]!.status, conditions: [{ type: 'Ready', status: 'False' }] });
  t.deepEqual(ips(await waitForObject(client, 'Endpoints', 'web', (e) => ips(e).length === 1)), ['10.244.2.2']);
  await store.delete(podRef('b'));
  t.deepEqual(ips(await waitForObject(client, 'Endpoints', 'web', (e) => ips(e).length === 0)), []);

  await store.delete({ kind: 'Service', namespace: 'default', name: 'web' });
  t.is(await waitForObject(client, 'Endpoints', 'web', (e) => e === undefined), undefined);
});

test('a pod whose labels change leaves the service it no longer matches', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await cp.store.create(makeService('web'));
  const { status, ...pod } = makeServingPod('a', { app: 'web' }, '10.244.1.2');
  await cp.store.create(pod as Pod);
  await cp.store.updateStatus(podRef('a'), status);
  await waitForObject(client, 'Endpoints', 'web', (e) => ips(e).length === 1);
  const current = (await cp.store.get(podRef('a')))!;
  await cp.store.update({ ...current, metadata: { ...current.metadata, labels: { app: 'other' } } });
  t.deepEqual(ips(await waitForObject(client, 'Endpoints', 'web', (e) => ips(e).length === 0)), []);
});

test('the Endpoints of a service without a selector are left to whoever writes them', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  const own = makeEndpoints('gateway', ['10.100.0.11'], [{ port: 80, protocol: 'TCP' }]);
  await cp.store.create(own);
  await cp.store.create(makeService('gateway', { selector: undefined }));
  // Keys are handled in order: once a later service's Endpoints exist, the gateway's key has been seen.
  await cp.store.create(makeService('web'));
  await waitForObject(client, 'Endpoints', 'web', (e) => e !== undefined);
  t.deepEqual((await cp.store.get({ kind: 'Endpoints', namespace: 'default', name: 'gateway' }))?.subsets, own.subsets);
});
