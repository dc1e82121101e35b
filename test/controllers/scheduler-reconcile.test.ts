import test from 'ava';
import { SchedulerController } from '../../reconciler/controllers/scheduler-controller.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

async function fixture(t: Parameters<typeof controllerFixture>[0], objects: Parameters<typeof controllerFixture>[1]) {
  const f = await controllerFixture(t, objects);
  const [pods, nodes] = await Promise.all([f.informer('Pod'), f.informer('Node')]);
  const controller = await f.controller(() => new SchedulerController({ store: f.store, pods, nodes, log: silentLog }));
  const pod = (name: string) => f.store.mustGet({ kind: 'Pod', namespace: 'default', name });
  return { ...f, controller, pod };
}

test('binds a pending pod to the node with room and records Scheduled', async (t) => {
  const f = await fixture(t, [makeNode('small', { cpu: '1' }), makeNode('big', { cpu: '4' }), makePod('web', { cpu: '2' })]);
  await f.controller.reconcile('Pod/default/web');
  t.is((await f.pod('web')).spec.nodeName, 'big');
  t.deepEqual(
    (await f.store.list('Event', 'default')).items.map((e) => e.reason),
    ['Scheduled'],
  );
});

test('marks a pod no node can hold Unschedulable, saying why', async (t) => {
  const f = await fixture(t, [makeNode('small', { cpu: '1' }), makePod('web', { cpu: '2' })]);
  await f.controller.reconcile('Pod/default/web');
  const pod = await f.pod('web');
  t.is(pod.spec.nodeName, undefined);
  t.like(
    pod.status?.conditions?.find((c) => c.type === 'PodScheduled'),
    { status: 'False', reason: 'Unschedulable' },
  );
  t.deepEqual(
    (await f.store.list('Event', 'default')).items.map((e) => e.reason),
    ['FailedScheduling'],
  );
});

test('does nothing for a pod already bound', async (t) => {
  const f = await fixture(t, [makeNode('node-1'), makePod('web', { nodeName: 'node-1' })]);
  const before = await f.revision();
  await f.controller.reconcile('Pod/default/web');
  t.is(await f.revision(), before);
});
