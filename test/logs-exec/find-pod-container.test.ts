import test from 'ava';
import { HttpError } from '../../common/http/http-error.js';
import type { ObservedContainer, ObservedPod } from '../../node-agent/runtime/pod-runtime.js';
import { findPodContainer } from '../../node-agent/server/find-pod-container.js';

const attempt = (id: string, name: string, restartCount: number, state: ObservedContainer['state'] = 'exited'): ObservedContainer => ({
  id,
  name,
  image: 'busybox:latest',
  restartCount,
  state,
  createdAt: '2026-01-01T00:00:00Z',
});
const pod = (uid: string, running: boolean, createdAt: string, containers: ObservedContainer[]): ObservedPod => ({
  uid,
  namespace: 'default',
  name: 'web',
  sandbox: { id: `sandbox-${uid}`, running, createdAt },
  containers,
  graceSeconds: 1,
});
const ref = { namespace: 'default', pod: 'web', container: 'app' };

test('finds the newest attempt, or the one before it with previous', (t) => {
  const pods = [pod('u1', true, '2026-01-01T00:00:00Z', [attempt('old', 'app', 0), attempt('new', 'app', 1, 'running'), attempt('side', 'sidecar', 0)])];
  t.is(findPodContainer(pods, ref).id, 'new');
  t.is(findPodContainer(pods, { ...ref, previous: true }).id, 'old');
});

test('prefers the running instance of a pod recreated under the same name', (t) => {
  const pods = [
    pod('gone', false, '2026-01-02T00:00:00Z', [attempt('stale', 'app', 0)]),
    pod('live', true, '2026-01-01T00:00:00Z', [attempt('fresh', 'app', 0, 'running')]),
  ];
  t.is(findPodContainer(pods, ref).id, 'fresh');
});

test('says what is missing: the pod, the container, or a previous attempt', (t) => {
  t.throws(() => findPodContainer([], ref), { instanceOf: HttpError, message: 'pod "web" in namespace "default" is not running on this node' });
  const pods = [pod('u1', true, '2026-01-01T00:00:00Z', [attempt('only', 'app', 0, 'running')])];
  t.throws(() => findPodContainer(pods, { ...ref, container: 'db' }), { message: 'container "db" in pod "web" has not been created on this node' });
  const e = t.throws(() => findPodContainer(pods, { ...ref, previous: true }), { message: 'previous terminated container "app" in pod "web" not found' });
  t.is((e as HttpError).code, 400);
});
