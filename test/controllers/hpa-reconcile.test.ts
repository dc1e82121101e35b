import test from 'ava';
import type { ApiObject, Deployment, NodeMetrics } from '../../common/schema/index.js';
import { HpaController } from '../../reconciler/controllers/hpa-controller.js';
import { hpa, pods } from '../autoscaling/fixtures.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { deployment } from '../workloads/workload-fixtures.js';

const KEY = 'HorizontalPodAutoscaler/default/web';
const MANAGED = 'minik8s.io/replicas-managed-by';

/** node-1's report, measured just now: each pod named at `cpuMillis`. */
function report(podNames: string[], cpuMillis: number): NodeMetrics {
  return {
    apiVersion: 'metrics.minik8s.io/v1',
    kind: 'NodeMetrics',
    metadata: { name: 'node-1' },
    timestamp: new Date().toISOString(),
    windowSeconds: 5,
    usage: { cpu: `${cpuMillis * podNames.length}m`, memory: '0' },
    pods: podNames.map((name) => ({
      namespace: 'default',
      name,
      uid: `uid-${name}`,
      containers: [{ name: 'c', usage: { cpu: `${cpuMillis}m`, memory: '0' } }],
    })),
  };
}

/** A Deployment `web` of two pods requesting 1 CPU each, the HPA (target 50 %) and whatever else the test adds. */
async function fixture(t: Parameters<typeof controllerFixture>[0], objects: ApiObject[]) {
  const f = await controllerFixture(t, objects);
  const [hpas, podInformer, metrics] = await Promise.all([f.informer('HorizontalPodAutoscaler'), f.informer('Pod'), f.informer('NodeMetrics')]);
  const controller = await f.controller(() => new HpaController({ store: f.store, hpas, pods: podInformer, metrics, log: silentLog }));
  const web = () => f.store.mustGet({ kind: 'Deployment', namespace: 'default', name: 'web' });
  const status = async () => (await f.store.mustGet({ kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' })).status;
  const events = async () => (await f.store.list('Event', 'default')).items.map((e) => `${e.reason}: ${e.message}`);
  return { ...f, controller, web, status, events };
}

const twoPods = (cpuMillis: number) => [deployment('web', { replicas: 2 }), ...pods(2), report(['p0', 'p1'], cpuMillis)];

test('scales its deployment out on CPU above target, takes the count over from Git, and records the rescale', async (t) => {
  const f = await fixture(t, [hpa(), ...twoPods(2000)]);
  await f.controller.reconcile(KEY);
  // 200 % against 50 %: 8 wanted, 6 allowed in one step by the default scale-up policy (4 pods or 100 %).
  const web = await f.web();
  t.is(web.spec.replicas, 6);
  t.is(web.metadata.annotations?.[MANAGED], 'hpa');
  t.deepEqual(await f.events(), ['SuccessfulRescale: New size: 6; reason: cpu resource utilization (percentage of request) above target']);
  t.like(await f.status(), { currentReplicas: 2, desiredReplicas: 6 });
});

test('on target it keeps the count, and a second look writes nothing', async (t) => {
  const f = await fixture(t, [hpa(), ...twoPods(500)]);
  await f.controller.reconcile(KEY);
  t.is((await f.web()).spec.replicas, 2);
  t.deepEqual(await f.events(), []);
  const before = await f.revision();
  await f.controller.reconcile(KEY);
  t.is(await f.revision(), before);
});

test('a missing target is reported as FailedGetScale, in an event and the AbleToScale condition', async (t) => {
  const f = await fixture(t, [hpa()]);
  const result = await f.controller.reconcile(KEY);
  t.deepEqual(await f.events(), ['FailedGetScale: the HPA controller was unable to get the target\'s current scale: deployments "web" not found']);
  t.like(
    (await f.status())?.conditions?.find((c) => c.type === 'AbleToScale'),
    { status: 'False', reason: 'FailedGetScale' },
  );
  // The target may yet appear: it is looked at again after a sync period.
  t.truthy(result.requeueAfterMs);
});

test('once its HPA is gone, a deployment it scaled gets its count back from Git', async (t) => {
  const scaled: Deployment = deployment('web', { replicas: 6 });
  scaled.metadata.annotations = { [MANAGED]: 'hpa' };
  const f = await fixture(t, [scaled]);
  await f.controller.reconcile(KEY);
  const web = await f.web();
  t.is(web.metadata.annotations?.[MANAGED], undefined);
  t.is(web.spec.replicas, 6);
});
