/**
 * Exec probes on real Docker, with the in-process agent: HTTP and TCP probes need the agent in the
 * node's namespace, which probes-on-cluster.test.ts has.
 */
import test from 'ava';
import { type Pod, type Probe, probeSchema } from '../../common/schema/index.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { ensureTestPodNetwork, startAgentHarness } from '../node-agent/agent-harness.js';

test.before(ensureTestPodNetwork);

const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const fileProbe = (path: string, over: Partial<Probe> = {}): Probe => probeSchema.parse({ exec: { command: ['cat', path] }, periodSeconds: 1, ...over });
const app = (pod: Pod) => pod.status?.containerStatuses?.find((c) => c.name === 'app');
const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;
const containerId = (pod: Pod) => app(pod)!.containerID!.replace('docker://', '');

test('a readiness probe gates Ready: not ready until it passes, not ready again after failureThreshold failures, never restarted', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('gated', [{ name: 'app', image: 'busybox:latest', command: idle, readinessProbe: fileProbe('/tmp/ready', { failureThreshold: 2 }) }]);
  const unready = await h.waitForPod('gated', (p) => p.status?.phase === 'Running' && app(p)?.state.running !== undefined);
  t.is(condition(unready, 'Ready'), 'False');
  t.is(condition(unready, 'ContainersReady'), 'False');
  t.false(app(unready)?.ready);
  await waitForEvent(h.api, 'Unhealthy', /^Readiness probe failed: cat: can't open '\/tmp\/ready': No such file or directory$/);

  await h.runtime.exec(containerId(unready), ['touch', '/tmp/ready']);
  const ready = await h.waitForPod('gated', (p) => condition(p, 'Ready') === 'True');
  t.is(condition(ready, 'ContainersReady'), 'True');
  t.true(app(ready)?.ready);

  await h.runtime.exec(containerId(ready), ['rm', '/tmp/ready']);
  const lost = await h.waitForPod('gated', (p) => condition(p, 'Ready') === 'False');
  t.is(app(lost)?.restartCount, 0);
  t.is(containerId(lost), containerId(ready));
});

test('a failing liveness probe restarts the container: Unhealthy, then Killing, restartCount 1, the new one alive', async (t) => {
  const h = await startAgentHarness(t);
  const command = ['sh', '-c', 'touch /tmp/alive; trap "exit 0" TERM; while true; do sleep 1; done'];
  await h.createPod('sickly', [{ name: 'app', image: 'busybox:latest', command, livenessProbe: fileProbe('/tmp/alive', { failureThreshold: 2 }) }]);
  const first = await h.waitForPod('sickly', (p) => condition(p, 'Ready') === 'True');

  await h.runtime.exec(containerId(first), ['rm', '/tmp/alive']);
  const restarted = await h.waitForPod('sickly', (p) => app(p)?.restartCount === 1 && condition(p, 'Ready') === 'True');
  t.not(containerId(restarted), containerId(first));
  t.truthy(app(restarted)?.lastState?.terminated);

  const unhealthy = await waitForEvent(h.api, 'Unhealthy', /^Liveness probe failed: cat: can't open '\/tmp\/alive': No such file or directory$/);
  const killing = await waitForEvent(h.api, 'Killing', /^Container app failed liveness probe, will be restarted$/);
  t.is(unhealthy.type, 'Warning');
  t.is(unhealthy.count, 2);
  t.true(Date.parse(killing.firstTimestamp!) >= Date.parse(unhealthy.lastTimestamp!));

  // The new container passes (its command made the file again): no second restart follows.
  await h.agent.pods.whenIdle();
  t.is(app(await h.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'sickly' }))?.restartCount, 1);
});

test('a restarted agent keeps a ready container ready while it probes again', async (t) => {
  const h = await startAgentHarness(t);
  const command = ['sh', '-c', 'touch /tmp/ready; trap "exit 0" TERM; while true; do sleep 1; done'];
  await h.createPod('steady', [{ name: 'app', image: 'busybox:latest', command, readinessProbe: fileProbe('/tmp/ready') }]);
  await h.waitForPod('steady', (p) => condition(p, 'Ready') === 'True');
  // The status as the first agent left it, once it has nothing more to write.
  await h.agent.pods.whenIdle();
  const before = await h.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'steady' });
  const since = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;

  await h.agent.stop();
  const agent = await h.restartAgent();
  await agent.pods.whenIdle();
  const after = await h.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'steady' });
  t.is(condition(after, 'Ready'), 'True');
  t.is(since(after), since(before), 'Ready never went False in between');
  t.is(containerId(after), containerId(before));
});
