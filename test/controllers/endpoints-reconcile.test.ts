import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { EndpointsController } from '../../reconciler/controllers/endpoints-controller.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { makeService, makeServingPod } from '../services/fixtures.js';

const KEY = 'Service/default/web';

async function fixture(t: Parameters<typeof controllerFixture>[0], pods: Pod[]) {
  const f = await controllerFixture(t, [makeService('web')]);
  for (const { status, ...pod } of pods) {
    await f.store.create(pod as Pod);
    await f.store.updateStatus({ kind: 'Pod', namespace: 'default', name: pod.metadata.name }, status);
  }
  const [services, podInformer, endpoints] = await Promise.all([f.informer('Service'), f.informer('Pod'), f.informer('Endpoints')]);
  const controller = await f.controller(() => new EndpointsController({ store: f.store, services, pods: podInformer, endpoints, log: silentLog }));
  const ips = async () => (await f.store.get({ kind: 'Endpoints', namespace: 'default', name: 'web' }))?.subsets.flatMap((s) => s.addresses.map((a) => a.ip));
  return { ...f, controller, ips };
}

test('writes the addresses of the Ready pods the service selects, owned by the service', async (t) => {
  const f = await fixture(t, [makeServingPod('a', { app: 'web' }, '10.244.1.2'), makeServingPod('other', { app: 'db' }, '10.244.1.3')]);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.ips(), ['10.244.1.2']);
  const endpoints = await f.store.mustGet({ kind: 'Endpoints', namespace: 'default', name: 'web' });
  t.like(endpoints.metadata.ownerReferences?.[0], { kind: 'Service', name: 'web', controller: true });
});

test('leaves out a pod that is not Ready', async (t) => {
  const f = await fixture(t, [makeServingPod('a', { app: 'web' }, '10.244.1.2', { ready: false })]);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.ips(), []);
});
