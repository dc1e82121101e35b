import test from 'ava';
import { type Container, type Pod, type Probe, probeSchema } from '../../common/schema/index.js';
import { planPod } from '../../node-agent/pods/pod-actions.js';
import {
  type ContainerProbes,
  newProbeHistory,
  type ProbeHistory,
  type ProbeOutcome,
  probeDelayMs,
  probeVerdict,
  recordOutcome,
} from '../../node-agent/probes/probe-decision.js';

const probe = (over: Partial<Probe> = {}): Probe => probeSchema.parse({ exec: { command: ['true'] }, ...over });
const ok: ProbeOutcome = { ok: true };
const fail: ProbeOutcome = { ok: false, message: 'nope' };
const replay = (history: ProbeHistory, p: Probe, outcomes: ProbeOutcome[]) => outcomes.reduce((h, o) => recordOutcome(h, p, o), history);
const spec = (over: Partial<Container> = {}): Container => ({ name: 'app', image: 'busybox:latest', ...over });

test('a readiness probe starts failing and a liveness probe starts passing, as in kubelet', (t) => {
  t.is(newProbeHistory('readiness').result, 'Failure');
  t.is(newProbeHistory('liveness').result, 'Success');
  t.is(newProbeHistory('readiness', true).result, 'Success');
});

test('the defaults turn ready on the first success and not ready after three failures in a row', (t) => {
  const p = probe();
  const ready = recordOutcome(newProbeHistory('readiness'), p, ok);
  t.is(ready.result, 'Success');
  t.is(replay(ready, p, [fail, fail]).result, 'Success');
  t.is(replay(ready, p, [fail, fail, fail]).result, 'Failure');
});

test('a success between failures starts the failure count over', (t) => {
  const p = probe();
  const h = replay(newProbeHistory('liveness'), p, [fail, fail, ok, fail, fail]);
  t.is(h.result, 'Success');
  t.is(h.run, 2);
  t.is(recordOutcome(h, p, fail).result, 'Failure');
});

test('successThreshold needs that many successes in a row before ready', (t) => {
  const p = probe({ successThreshold: 2, failureThreshold: 1 });
  const once = replay(newProbeHistory('readiness'), p, [ok]);
  t.is(once.result, 'Failure');
  t.is(replay(once, p, [ok]).result, 'Success');
  t.is(replay(once, p, [fail, ok]).result, 'Failure');
  t.is(replay(once, p, [ok, fail]).result, 'Failure');
});

test('a container without a readiness probe is ready; with one, only once it passed', (t) => {
  t.deepEqual(probeVerdict(spec(), undefined), { ready: true });
  const withProbe = spec({ readinessProbe: probe() });
  t.deepEqual(probeVerdict(withProbe, undefined), { ready: false });
  t.deepEqual(probeVerdict(withProbe, { readiness: recordOutcome(newProbeHistory('readiness'), probe(), ok) }), { ready: true });
});

test("a failed liveness probe asks for a restart with kubelet's message; a passing one does not", (t) => {
  const p = probe({ failureThreshold: 1 });
  const c = spec({ livenessProbe: p });
  t.deepEqual(probeVerdict(c, { liveness: newProbeHistory('liveness') }), { ready: true });
  t.deepEqual(probeVerdict(c, { liveness: recordOutcome(newProbeHistory('liveness'), p, fail) }), {
    ready: true,
    restart: 'Container app failed liveness probe, will be restarted',
  });
  // Histories of a probe the spec no longer has are ignored.
  t.deepEqual(probeVerdict(spec(), { liveness: recordOutcome(newProbeHistory('liveness'), p, fail) }), { ready: true });
});

test('the first attempt waits initialDelaySeconds after the start, the next periodSeconds after the last', (t) => {
  const p = probe({ initialDelaySeconds: 5, periodSeconds: 2 });
  t.is(probeDelayMs(p, 1_000, undefined, 1_000), 5_000);
  t.is(probeDelayMs(p, 1_000, undefined, 9_000), 0);
  t.is(probeDelayMs(p, 1_000, 6_000, 7_500), 500);
  t.is(probeDelayMs(probe(), 0, 0, 0), 10_000);
});

const T0 = '2026-01-01T00:00:00Z';

function probedPod(container: Container): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 7, nodeName: 'n1' },
  };
}

function planWith(container: Container, probes?: ContainerProbes) {
  return planPod({
    pod: probedPod(container),
    observed: {
      uid: 'u1',
      namespace: 'default',
      name: 'web',
      graceSeconds: 7,
      sandbox: { id: 'pause', running: true, ip: '10.244.1.5', createdAt: T0 },
      containers: [{ id: 'c0', name: 'app', image: 'busybox:latest', restartCount: 0, state: 'running', createdAt: T0, startedAt: T0 }],
    },
    imagesPresent: new Set(['busybox:latest']),
    pullFailures: new Map(),
    backOff: { baseMs: 10_000, maxMs: 300_000 },
    nodeIP: '10.100.0.11',
    now: Date.parse(T0) + 60_000,
    ...(probes && { probes: new Map([['c0', probes]]) }),
  });
}

test('planPod: a running pod is not Ready until its readiness probe passes, then Ready and ContainersReady', (t) => {
  const c = spec({ readinessProbe: probe() });
  const condition = (plan: ReturnType<typeof planPod>, type: string) => plan.status.conditions?.find((x) => x.type === type);
  const before = planWith(c);
  t.is(before.status.phase, 'Running');
  t.false(before.status.containerStatuses?.[0]?.ready);
  t.is(condition(before, 'Ready')?.status, 'False');
  t.is(condition(before, 'ContainersReady')?.message, 'containers with unready status: [app]');
  t.deepEqual(before.actions, []);

  const after = planWith(c, { readiness: recordOutcome(newProbeHistory('readiness'), probe(), ok) });
  t.true(after.status.containerStatuses?.[0]?.ready);
  t.is(condition(after, 'Ready')?.status, 'True');
  t.is(condition(after, 'ContainersReady')?.status, 'True');
});

test("planPod: a failed liveness probe kills the container with the pod's grace period and the Killing message", (t) => {
  const p = probe({ failureThreshold: 1 });
  const plan = planWith(spec({ livenessProbe: p }), { liveness: recordOutcome(newProbeHistory('liveness'), p, fail) });
  t.deepEqual(plan.actions, [{ type: 'killContainers', ids: ['c0'], graceSeconds: 7, message: 'Container app failed liveness probe, will be restarted' }]);
  t.deepEqual(planWith(spec({ livenessProbe: p }), { liveness: newProbeHistory('liveness') }).actions, []);
});
