import test from 'ava';
import { type FunctionObject, functionSchema } from '../../common/schema/index.js';
import { FunctionActivity } from '../../reconciler/functions/function-activity.js';
import { FunctionController, type FunctionTopics } from '../../reconciler/functions/function-controller.js';
import type { FunctionBacklog } from '../../reconciler/functions/function-lag.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';

const KEY = 'Function/default/resize';
const resize = (minScale: number, scale: { target?: number } = {}) =>
  functionSchema.parse({
    apiVersion: 'minik8s.io/v1',
    kind: 'Function',
    metadata: { name: 'resize', namespace: 'default' },
    spec: { source: 'functions/resize.py', scale: { minScale, maxScale: 4, ...scale } },
  });

/** A backlog source whose lag the test sets, as the Kafka lag monitor's readings would. */
function fakeBacklog() {
  const lags = new Map<string, number>();
  const listeners: ((key: string) => void)[] = [];
  const backlog: FunctionBacklog = {
    lagOf: (namespace, name) => lags.get(`Function/${namespace}/${name}`) ?? 0,
    onBacklog: (l) => listeners.push(l),
  };
  return {
    backlog,
    set(key: string, lag: number) {
      lags.set(key, lag);
      if (lag > 0) for (const l of listeners) l(key);
    },
  };
}

async function fixture(t: Parameters<typeof controllerFixture>[0], fn: FunctionObject, backlog?: FunctionBacklog, topics?: FunctionTopics) {
  const f = await controllerFixture(t, [fn]);
  const [functions, replicaSets, pods] = await Promise.all([f.informer('Function'), f.informer('ReplicaSet'), f.informer('Pod')]);
  const activity = new FunctionActivity();
  const controller = await f.controller(
    () =>
      new FunctionController({
        store: f.store,
        functions,
        replicaSets,
        pods,
        activity,
        ...(backlog && { backlog }),
        ...(topics && { topics }),
        // No revision applied yet: the code is not tracked, which this test leaves aside.
        git: { gitdir: '/nonexistent', appliedRevision: async () => undefined },
        invokeTokenSha256: (namespace, name) => `sha256-of-${namespace}-${name}`,
        log: silentLog,
      }),
  );
  const replicas = async () => (await f.store.list('ReplicaSet', 'default')).items.map((rs) => rs.spec.replicas);
  return { ...f, controller, activity, replicaSets, replicas };
}

test('keeps minScale instances in one ReplicaSet owned by the function, and the invoke token hash in its status', async (t) => {
  const f = await fixture(t, resize(2));
  await f.controller.reconcile(KEY);
  const [rs, ...others] = (await f.store.list('ReplicaSet', 'default')).items;
  t.deepEqual(others, []);
  t.is(rs!.spec.replicas, 2);
  t.like(rs!.metadata.ownerReferences?.[0], { kind: 'Function', name: 'resize', controller: true });
  const fn = await f.store.mustGet({ kind: 'Function', namespace: 'default', name: 'resize' });
  t.like(fn.status, { invokeTokenSha256: 'sha256-of-default-resize', replicas: 2, readyReplicas: 0 });
});

test('a call waiting for a function at zero scales it from zero, with an event', async (t) => {
  const f = await fixture(t, resize(0));
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [0]);
  f.activity.report('gateway-1', [{ namespace: 'default', name: 'resize', inFlight: 0, queued: 1, served: 0 }]);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [1]);
  const events = (await f.store.list('Event', 'default')).items.map((e) => e.reason);
  t.deepEqual(events, ['ScaledFromZero']);
});

test('a function gone from the store takes its ReplicaSets with it', async (t) => {
  const f = await fixture(t, resize(1));
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [1]);
  await f.store.delete({ kind: 'Function', namespace: 'default', name: 'resize' });
  // The informer's cache is what the controller finds its ReplicaSets in: wait until it holds the one made.
  while (f.replicaSets.list().length === 0) await new Promise((r) => setImmediate(r));
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), []);
});

test('calls waiting in Kafka scale a function out with no gateway activity: ceil(lag / target), within maxScale', async (t) => {
  const kafka = fakeBacklog();
  const f = await fixture(t, resize(0, { target: 10 }), kafka.backlog);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [0]);
  kafka.set(KEY, 25);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [3], 'from zero: 25 calls at 10 per instance');
  kafka.set(KEY, 400);
  await f.controller.reconcile(KEY);
  t.deepEqual(await f.replicas(), [4], 'a burst panics up to maxScale');
});

test('an idle function whose topic Kafka refused is tried again shortly, and left alone once it has one', async (t) => {
  let refusals = 1;
  const made: string[] = [];
  const topics: FunctionTopics = {
    ensure: async (fn) => {
      if (refusals-- > 0) throw new Error('This server does not host this topic-partition');
      made.push(fn.metadata.name);
    },
  };
  const f = await fixture(t, resize(0), undefined, topics);
  t.like(await f.controller.reconcile(KEY), { requeueAfterMs: 5000 });
  t.deepEqual(await f.controller.reconcile(KEY), {});
  t.deepEqual(made, ['resize']);
});
