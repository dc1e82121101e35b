import test, { type ExecutionContext } from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { type PodApi, PodController } from '../../node-agent/pods/pod-controller.js';
import type { ObservedPod } from '../../node-agent/runtime/pod-runtime.js';
import { storeEventRecorder } from '../../reconciler/api/events.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { FakePodRuntime } from '../helpers/fake-pod-runtime.js';
import { makePod } from '../helpers/fixtures.js';

const NODE = 'node-1';
const KEY = 'Pod/default/web';

const isRunningAndReady = (p: Pod | undefined) =>
  p?.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/**
 * The agent's pod controller on the fake runtime, with the API played by an in-memory store: what it
 * does to containers is read from the fake, what it reports from the store. No Docker, no etcd.
 */
async function fixture(t: ExecutionContext, pods: Pod[], opts: { clock?: () => number } = {}) {
  const f = await controllerFixture(t, pods);
  const runtime = new FakePodRuntime();
  await runtime.ensureNetwork('10.244.1.0/24');
  const api: PodApi = {
    ...storeListWatch(f.store),
    updateStatus: (ref, status) => f.store.updateStatus(ref, status),
    recordEvent: storeEventRecorder(f.store),
  };
  const controller = new PodController({ nodeName: NODE, nodeIP: '10.100.0.11', api, runtime, log: silentLog, ...opts });
  t.teardown(() => controller.stop());
  const podInformer = await f.informer('Pod');
  return {
    ...f,
    runtime,
    controller,
    /** Resolves with the stored pod once `ok` holds for it. */
    waitForPod: (ok: (p: Pod | undefined) => boolean) =>
      new Promise<Pod | undefined>((resolve) => {
        const check = () => ok(podInformer.get(KEY)) && resolve(podInformer.get(KEY));
        podInformer.onChange((e) => e.key === KEY && check());
        check();
      }),
    /** Resolves with what the runtime runs for `web` once `ok` holds for it, looking after each runtime event. */
    waitForRuntime: async (ok: (p: ObservedPod[]) => boolean) => {
      let stop = () => {};
      const seen = new Promise<void>((resolve) => {
        const check = () => void runtime.listPods({ namespace: 'default', name: 'web' }).then((p) => ok(p) && resolve());
        void runtime.watchEvents(check, () => {}).then((s) => (stop = s));
        check();
      });
      await seen;
      stop();
      return runtime.listPods({ namespace: 'default', name: 'web' });
    },
    reasons: async () => (await f.store.list('Event', 'default')).items.map((e) => e.reason).sort(),
  };
}

test('runs a pod bound to its node: sandbox, pulled image, started container, then Running and Ready with the pod IP', async (t) => {
  const f = await fixture(t, [makePod('web', { nodeName: NODE })]);
  await f.controller.start();
  const pod = await f.waitForPod(isRunningAndReady);
  const [observed] = await f.runtime.listPods();
  t.true(observed?.sandbox?.running);
  t.deepEqual(
    observed?.containers.map((c) => `${c.name} ${c.state}`),
    ['c running'],
  );
  t.is(pod?.status?.podIP, observed?.sandbox?.ip);
  t.is(pod?.status?.hostIP, '10.100.0.11');
  t.deepEqual(await f.reasons(), ['Created', 'Pulled', 'Pulling', 'Started']);
});

test('stamps Ready with the time the containers ran, not the time the reconcile began', async (t) => {
  // Each reading of the clock is a second after the one before: a stamp from the first reading is the reconcile's start.
  const start = Date.parse('2026-01-01T00:00:00Z');
  let readings = 0;
  const f = await fixture(t, [makePod('web', { nodeName: NODE })], { clock: () => start + 1000 * readings++ });
  await f.controller.start();
  const pod = await f.waitForPod(isRunningAndReady);
  const ready = pod?.status?.conditions?.find((c) => c.type === 'Ready');
  t.true(Date.parse(ready?.lastTransitionTime ?? '') > start, `Ready at ${ready?.lastTransitionTime}`);
});

test('a pull that fails is reported ErrImagePull by the sync it failed in, though the clock moved on during it', async (t) => {
  let readings = 0;
  const f = await fixture(t, [makePod('web', { nodeName: NODE })], { clock: () => Date.parse('2026-01-01T00:00:00Z') + 1000 * readings++ });
  const image = f.store.list('Pod', 'default').then((l) => l.items[0]!.spec.containers[0]!.image);
  f.runtime.missingImages.add(await image);
  await f.controller.start();
  const pod = await f.waitForPod(
    (p) => p?.status?.containerStatuses?.[0]?.state.waiting?.reason !== undefined && p.status.containerStatuses[0].state.waiting.reason !== 'ContainerCreating',
  );
  t.is(pod?.status?.containerStatuses?.[0]?.state.waiting?.reason, 'ErrImagePull');
});

test('leaves alone a pod bound to another node', async (t) => {
  const f = await fixture(t, [makePod('web', { nodeName: 'node-2' })]);
  await f.controller.start();
  await f.controller.whenIdle();
  t.deepEqual(await f.controller.reconcile(KEY), {});
  t.deepEqual(await f.runtime.listPods(), []);
  t.is((await f.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'web' })).status, undefined);
});

test('restarts a container that exits under restartPolicy Always, and counts the restart', async (t) => {
  const f = await fixture(t, [makePod('web', { nodeName: NODE })]);
  await f.controller.start();
  await f.waitForPod(isRunningAndReady);
  const [first] = (await f.runtime.listPods())[0]!.containers;
  f.runtime.exit(first!.id, 1);
  const pod = await f.waitForPod((p) => isRunningAndReady(p) && p?.status?.containerStatuses?.[0]?.restartCount === 1);
  t.like(pod?.status?.containerStatuses?.[0]?.lastState?.terminated, { exitCode: 1 });
  const running = (await f.runtime.listPods())[0]!.containers.filter((c) => c.state === 'running');
  t.deepEqual(
    running.map((c) => c.restartCount),
    [1],
  );
});

test('tears down a deleted pod: its containers stopped and removed, its directory gone', async (t) => {
  const f = await fixture(t, [makePod('web', { nodeName: NODE })]);
  await f.controller.start();
  await f.waitForPod(isRunningAndReady);
  await f.store.delete({ kind: 'Pod', namespace: 'default', name: 'web' });
  t.deepEqual(await f.waitForRuntime((p) => p.length === 0), []);
  t.deepEqual(f.runtime.removedPodDirs, ['uid-web']);
});
