import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { backOffDelayMs, type PodSyncInput, type PullFailure, planPod, planTeardown } from '../../node-agent/pods/pod-actions.js';
import type { ObservedContainer, ObservedPod } from '../../node-agent/runtime/pod-runtime.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const T0 = '2026-01-01T00:00:00Z';

function pod(restartPolicy: Pod['spec']['restartPolicy'] = 'Always', containers = ['app']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: containers.map((name) => ({ name, image: 'busybox:latest' })), restartPolicy, terminationGracePeriodSeconds: 30, nodeName: 'n1' },
  };
}

function container(over: Partial<ObservedContainer> = {}): ObservedContainer {
  return { id: 'c0', name: 'app', image: 'busybox:latest', restartCount: 0, state: 'running', createdAt: T0, startedAt: T0, ...over };
}

function observed(containers: ObservedContainer[] = [], sandbox = true): ObservedPod {
  return {
    uid: 'u1',
    namespace: 'default',
    name: 'web',
    containers,
    graceSeconds: 30,
    ...(sandbox && { sandbox: { id: 'pause', running: true, ip: '10.244.1.5', createdAt: T0 } }),
  };
}

function input(over: Partial<PodSyncInput> = {}): PodSyncInput {
  return {
    pod: pod(),
    observed: observed(),
    imagesPresent: new Set(['busybox:latest']),
    pullFailures: new Map(),
    backOff: { baseMs: 10_000, maxMs: 300_000 },
    nodeIP: '10.100.0.11',
    now: NOW,
    ...over,
  };
}

test('creates the sandbox first for a new pod, and reports it Pending with ContainerCreating', (t) => {
  const plan = planPod(input({ observed: undefined }));
  t.deepEqual(plan.actions, [{ type: 'createSandbox' }]);
  t.is(plan.status.phase, 'Pending');
  t.is(plan.status.hostIP, '10.100.0.11');
  t.is(plan.status.containerStatuses?.[0]?.state.waiting?.reason, 'ContainerCreating');
  t.is(plan.status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
});

test('pulls a missing image, then runs the container in the sandbox', (t) => {
  const plan = planPod(input({ imagesPresent: new Set() }));
  t.deepEqual(plan.actions, [
    { type: 'pullImage', container: 'app', image: 'busybox:latest' },
    { type: 'runContainer', container: 'app', restartCount: 0 },
  ]);
});

test('does nothing when every container runs, and reports Running, Ready and the pod IP', (t) => {
  const plan = planPod(input({ observed: observed([container()]) }));
  t.deepEqual(plan.actions, []);
  t.is(plan.status.phase, 'Running');
  t.is(plan.status.podIP, '10.244.1.5');
  t.is(plan.status.startTime, T0);
  t.deepEqual(plan.status.containerStatuses?.[0], {
    name: 'app',
    imageID: '',
    image: 'busybox:latest',
    containerID: 'docker://c0',
    restartCount: 0,
    ready: true,
    started: true,
    state: { running: { startedAt: T0 } },
  });
  t.deepEqual(
    plan.status.conditions?.map((c) => [c.type, c.status]),
    [
      ['PodScheduled', 'True'],
      ['Initialized', 'True'],
      ['ContainersReady', 'True'],
      ['Ready', 'True'],
    ],
  );
  t.is(plan.requeueAfterMs, undefined);
});

test('keeps a condition transition time while its status holds', (t) => {
  const first = planPod(input({ observed: observed([container()]) }));
  const later = planPod(input({ observed: observed([container()]), now: NOW + 60_000, pod: { ...pod(), status: first.status } }));
  t.deepEqual(later.status, first.status);
});

test('restarts a container that died for the first time at once, as the next attempt', (t) => {
  const dead = container({ state: 'exited', exitCode: 137, finishedAt: '2026-01-01T00:00:59Z' });
  const plan = planPod(input({ observed: observed([dead]) }));
  t.deepEqual(plan.actions, [{ type: 'runContainer', container: 'app', restartCount: 1 }]);
  // The count rises with the new attempt, never before its predecessor's exit can be shown as lastState.
  const status = plan.status.containerStatuses?.[0];
  t.is(status?.restartCount, 0);
  t.is(status?.state.terminated?.exitCode, 137);
  const next = container({ id: 'c1', restartCount: 1 });
  const running = planPod(input({ observed: observed([dead, next]) })).status.containerStatuses?.[0];
  t.is(running?.restartCount, 1);
  t.is(running?.lastState?.terminated?.exitCode, 137);
});

test('waits in CrashLoopBackOff before restarting a container that keeps dying, doubling the delay', (t) => {
  const finishedAt = '2026-01-01T00:00:55Z';
  const previous = container({ id: 'c1', state: 'exited', exitCode: 1, restartCount: 1, finishedAt: '2026-01-01T00:00:50Z' });
  const dead = container({ id: 'c2', state: 'exited', exitCode: 1, restartCount: 2, finishedAt });
  const plan = planPod(input({ observed: observed([previous, dead]) }));
  t.deepEqual(plan.actions, []);
  const s = plan.status.containerStatuses?.[0];
  t.is(s?.state.waiting?.reason, 'CrashLoopBackOff');
  t.is(s?.restartCount, 2);
  t.is(s?.lastState?.terminated?.exitCode, 1);
  t.is(s?.lastState?.terminated?.reason, 'Error');
  t.is(plan.status.phase, 'Running');
  // Two failures already restarted: 20 s after it finished, 15 s from now.
  t.is(plan.requeueAfterMs, 15_000);
  const due = planPod(input({ observed: observed([previous, dead]), now: Date.parse(finishedAt) + 20_000 }));
  t.deepEqual(due.actions, [{ type: 'runContainer', container: 'app', restartCount: 3 }]);
});

test('removes attempts older than the last dead one', (t) => {
  const old = container({ id: 'c0', state: 'exited', exitCode: 1, restartCount: 0, finishedAt: T0 });
  const prev = container({ id: 'c1', state: 'exited', exitCode: 1, restartCount: 1, finishedAt: T0 });
  const cur = container({ id: 'c2', restartCount: 2 });
  const plan = planPod(input({ observed: observed([old, prev, cur]) }));
  t.deepEqual(plan.actions, [{ type: 'removeContainers', ids: ['c0'] }]);
  t.is(plan.status.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
});

test('caps the back-off', (t) => {
  const policy = { baseMs: 10_000, maxMs: 300_000 };
  t.deepEqual(
    [0, 1, 2, 3, 6, 20].map((n) => backOffDelayMs(policy, n)),
    [0, 10_000, 20_000, 40_000, 300_000, 300_000],
  );
});

test('does not restart a completed container under OnFailure, and the pod Succeeds', (t) => {
  const done = container({ state: 'exited', exitCode: 0, finishedAt: T0 });
  const plan = planPod(input({ pod: pod('OnFailure'), observed: observed([done]) }));
  t.deepEqual(plan.actions, [{ type: 'killContainers', ids: ['pause'], graceSeconds: 0 }]);
  t.is(plan.status.phase, 'Succeeded');
  t.is(plan.status.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
});

test('restarts a failed container under OnFailure', (t) => {
  const failed = container({ state: 'exited', exitCode: 2, finishedAt: T0 });
  const plan = planPod(input({ pod: pod('OnFailure'), observed: observed([failed]) }));
  t.deepEqual(plan.actions, [{ type: 'runContainer', container: 'app', restartCount: 1 }]);
});

test('fails the pod under Never once a container failed and none runs', (t) => {
  const failed = container({ state: 'exited', exitCode: 3, finishedAt: T0 });
  const plan = planPod(input({ pod: pod('Never'), observed: observed([failed]) }));
  t.deepEqual(plan.actions, [{ type: 'killContainers', ids: ['pause'], graceSeconds: 0 }]);
  t.is(plan.status.phase, 'Failed');
  t.is(plan.status.containerStatuses?.[0]?.state.terminated?.exitCode, 3);
});

test('keeps the pod Running under Never while another container still runs', (t) => {
  const failed = container({ id: 'a', state: 'exited', exitCode: 3, finishedAt: T0 });
  const running = container({ id: 'b', name: 'side' });
  const plan = planPod(input({ pod: pod('Never', ['app', 'side']), observed: observed([failed, running]) }));
  t.is(plan.status.phase, 'Running');
  t.is(plan.status.conditions?.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [app]');
});

test('never restarts a finished pod, only stops its sandbox', (t) => {
  const done = container({ state: 'exited', exitCode: 0, finishedAt: T0 });
  const plan = planPod(input({ pod: pod('Never'), observed: observed([done]) }));
  t.deepEqual(plan.actions, [{ type: 'killContainers', ids: ['pause'], graceSeconds: 0 }]);
  t.is(plan.status.phase, 'Succeeded');
  const stopped: ObservedPod = { ...observed([done]), sandbox: { id: 'pause', running: false, createdAt: T0 } };
  const after = planPod(input({ pod: { ...pod('Never'), status: plan.status }, observed: stopped }));
  t.deepEqual(after.actions, []);
  t.is(after.status.phase, 'Succeeded');
});

test('a finished phase written by someone else neither stops a running pod nor survives the next status', (t) => {
  const forged: Pod = { ...pod('Always'), status: { phase: 'Succeeded' } };
  const plan = planPod(input({ pod: forged, observed: observed([container()]) }));
  t.deepEqual(plan.actions, []);
  t.is(plan.status.phase, 'Running');
  const neverStarted = planPod(input({ pod: { ...pod('Never'), status: { phase: 'Failed' } }, observed: undefined }));
  t.deepEqual(neverStarted.actions, [{ type: 'createSandbox' }]);
});

test('treats a container that could not start as a StartError subject to the restart policy', (t) => {
  const broken = container({ state: 'created', exitCode: 127, error: 'exec: "nope": executable file not found', finishedAt: T0 });
  const plan = planPod(input({ pod: pod('Never'), observed: observed([broken]) }));
  t.is(plan.status.containerStatuses?.[0]?.state.terminated?.reason, 'StartError');
  t.is(plan.status.phase, 'Failed');
});

test('starts a container that was created but never started', (t) => {
  const plan = planPod(input({ observed: observed([container({ state: 'created' })]) }));
  t.deepEqual(plan.actions, [{ type: 'startContainer', container: 'app', id: 'c0' }]);
  t.is(plan.status.phase, 'Pending');
});

test('reports ErrImagePull in the sync that failed, then ImagePullBackOff until the retry is due', (t) => {
  const failures = new Map<string, PullFailure>([['app', { message: 'not found', failedAt: NOW, failures: 1 }]]);
  const now = planPod(input({ observed: observed(), pullFailures: failures, imagesPresent: new Set() }));
  t.deepEqual(now.actions, []);
  t.is(now.status.containerStatuses?.[0]?.state.waiting?.reason, 'ErrImagePull');
  t.is(now.status.containerStatuses?.[0]?.state.waiting?.message, 'not found');
  t.is(now.requeueAfterMs, 10_000);
  const later = planPod(input({ observed: observed(), pullFailures: failures, imagesPresent: new Set(), now: NOW + 5_000 }));
  t.is(later.status.containerStatuses?.[0]?.state.waiting?.reason, 'ImagePullBackOff');
  t.regex(later.status.containerStatuses?.[0]?.state.waiting?.message ?? '', /not found/);
  const due = planPod(input({ observed: observed(), pullFailures: failures, imagesPresent: new Set(), now: NOW + 10_000 }));
  t.deepEqual(due.actions[0], { type: 'pullImage', container: 'app', image: 'busybox:latest' });
});

test('starts the pod over when its sandbox died', (t) => {
  const dead: ObservedPod = { ...observed([container()]), sandbox: { id: 'pause', running: false, createdAt: T0 } };
  const plan = planPod(input({ observed: dead }));
  t.deepEqual(plan.actions, [
    { type: 'killContainers', ids: ['c0'], graceSeconds: 0 },
    { type: 'removeContainers', ids: ['c0', 'pause'] },
  ]);
  t.is(plan.status.podIP, undefined);
});

test('tears a pod down: app containers with the grace period, then the sandbox, then everything removed', (t) => {
  const o = observed([container({ id: 'a' }), container({ id: 'b', state: 'exited', exitCode: 0 })]);
  t.deepEqual(planTeardown(o), [
    { type: 'killContainers', ids: ['a'], graceSeconds: 30 },
    { type: 'killContainers', ids: ['pause'], graceSeconds: 0 },
    { type: 'removeContainers', ids: ['a', 'b', 'pause'] },
    { type: 'removePodDir', uid: 'u1' },
  ]);
});

test('counts the containers recreated after the sandbox died as restarts', (t) => {
  const ran: Pod = {
    ...pod(),
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', image: 'busybox:latest', ready: true, restartCount: 2, containerID: 'docker://c0', state: { running: { startedAt: T0 } } },
      ],
    },
  };
  // Everything of it is gone from Docker (the node's dockerd was restarted and the stale containers removed).
  const plan = planPod(input({ pod: ran, observed: undefined }));
  t.deepEqual(plan.actions, [{ type: 'createSandbox' }]);
  t.is(plan.status.containerStatuses?.[0]?.restartCount, 3);
  t.is(plan.status.phase, 'Running');
  t.is(plan.status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  // In the new sandbox, the container is created as that next attempt.
  const next = planPod(input({ pod: ran, observed: observed([]) }));
  t.deepEqual(next.actions, [{ type: 'runContainer', container: 'app', restartCount: 3 }]);
});

test('keeps counting from what Docker still holds of the dead sandbox', (t) => {
  const dead: ObservedPod = {
    ...observed([container({ restartCount: 4, state: 'exited', exitCode: 137 })]),
    sandbox: { id: 'pause', running: false, createdAt: T0 },
  };
  t.is(planPod(input({ observed: dead })).status.containerStatuses?.[0]?.restartCount, 5);
});
