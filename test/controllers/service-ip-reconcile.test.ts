import test from 'ava';
import type { Service } from '../../common/schema/index.js';
import { ServiceIPController } from '../../reconciler/controllers/service-ip-controller.js';
import { defaultServiceNetwork } from '../../reconciler/services/service-addresses.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { makeService } from '../services/fixtures.js';

const CLAIMS = '/minik8s/service-addresses/';

/** The controller over these services; its random pick is the range's first free address, so results are exact. */
async function fixture(t: Parameters<typeof controllerFixture>[0], services: Service[]) {
  const f = await controllerFixture(t, services);
  const informer = await f.informer('Service');
  const controller = await f.controller(
    () => new ServiceIPController({ store: f.store, services: informer, network: defaultServiceNetwork, log: silentLog, random: () => 0 }),
  );
  const service = (name: string) => f.store.mustGet({ kind: 'Service', namespace: 'default', name });
  const claims = async () =>
    (await f.kv.list(CLAIMS)).entries.map((e) => `${e.key.slice(CLAIMS.length)} ${(JSON.parse(e.value) as { name: string }).name}`).sort();
  const refusal = async (name: string) => (await service(name)).status?.conditions?.find((c) => c.type === 'AddressesAllocated');
  const events = async () => (await f.store.list('Event', 'default')).items.map((e) => `${e.involvedObject.name} ${e.reason}: ${e.message}`);
  return { ...f, controller, service, claims, refusal, events };
}

test('gives a service the first cluster IP past the reserved ones, and a NodePort service a node port, each claimed', async (t) => {
  const f = await fixture(t, [makeService('web', { type: 'NodePort' })]);
  await f.controller.reconcile('Service/default/web');
  const web = await f.service('web');
  t.is(web.spec.clusterIP, '10.96.0.16');
  t.is(web.spec.ports[0]?.nodePort, 30000);
  t.deepEqual(await f.claims(), ['clusterIP/10.96.0.16 web', 'nodePort/TCP/30000 web']);
  t.is(await f.refusal('web'), undefined);
});

test('does nothing when every address is allocated and claimed', async (t) => {
  const f = await fixture(t, [makeService('web', { type: 'NodePort' })]);
  await f.controller.reconcile('Service/default/web');
  const before = await f.revision();
  await f.controller.reconcile('Service/default/web');
  t.is(await f.revision(), before);
});

test('refuses an address another service holds, saying who holds it, without overriding the manifest', async (t) => {
  const f = await fixture(t, [makeService('first', { clusterIP: '10.96.0.20' }), makeService('second', { clusterIP: '10.96.0.20' })]);
  await f.controller.reconcile('Service/default/first');
  await f.controller.reconcile('Service/default/second');
  const message = 'cluster IP 10.96.0.20 is already allocated to service default/first';
  t.is((await f.service('second')).spec.clusterIP, '10.96.0.20');
  t.like(await f.refusal('second'), { status: 'False', reason: 'ClusterIPAlreadyAllocated', message });
  t.deepEqual(await f.events(), [`second ClusterIPAlreadyAllocated: ${message}`]);
});

test('a deleted service gives its addresses back, and a service refused one gets it', async (t) => {
  const f = await fixture(t, [makeService('first', { clusterIP: '10.96.0.20' }), makeService('second', { clusterIP: '10.96.0.20' })]);
  await f.controller.reconcile('Service/default/first');
  await f.controller.reconcile('Service/default/second');
  await f.store.delete({ kind: 'Service', namespace: 'default', name: 'first' });
  await f.controller.reconcile('Service/default/first');
  t.deepEqual(await f.claims(), []);
  await f.controller.reconcile('Service/default/second');
  t.deepEqual(await f.claims(), ['clusterIP/10.96.0.20 second']);
  t.is(await f.refusal('second'), undefined);
});

test('a cluster IP outside the service CIDR is refused with the range', async (t) => {
  const f = await fixture(t, [makeService('odd', { clusterIP: '10.97.0.1' })]);
  await f.controller.reconcile('Service/default/odd');
  t.like(await f.refusal('odd'), { reason: 'ClusterIPNotInRange', message: 'cluster IP 10.97.0.1 is not in the service CIDR 10.96.0.0/16' });
  t.deepEqual(await f.claims(), []);
});
