import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { ensureTestPodNetwork, eventually, NODE_IP, POD_CIDR, startAgentHarness } from './agent-harness.js';

test.before(ensureTestPodNetwork);

const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const statusOf = (pod: Pod, container: string) => pod.status?.containerStatuses?.find((c) => c.name === container);
const running = (pod: Pod) => pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

test('registers its node with address, capacity, agent port and a Ready heartbeat', async (t) => {
  const h = await startAgentHarness(t);
  const node = await h.store.mustGet({ kind: 'Node', name: h.nodeName });
  t.deepEqual(node.metadata.labels, { 'minik8s.io/hostname': h.nodeName });
  t.deepEqual(node.status?.addresses?.[0], { type: 'InternalIP', address: NODE_IP });
  t.truthy(node.status?.capacity?.cpu);
  t.truthy(node.status?.allocatable?.memory);
  t.is(node.status?.daemonEndpoints?.agentPort, 10250);
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  t.is(ready?.status, 'True');
  t.truthy(ready?.lastHeartbeatTime);
});

test('runs a two-container pod whose containers talk over localhost and share an emptyDir, with limits applied', async (t) => {
  const h = await startAgentHarness(t);
  const hostDir = await mkdtemp(join(tmpdir(), 'mk8s-hostpath-'));
  t.teardown(() => rm(hostDir, { recursive: true, force: true }));
  await writeFile(join(hostDir, 'motd'), 'from-the-host');
  await h.createPod(
    'web',
    [
      {
        name: 'server',
        image: 'busybox:latest',
        command: ['sh', '-c', 'echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www'],
        volumeMounts: [{ name: 'shared', mountPath: '/www' }],
        resources: { limits: { cpu: '500m', memory: '64Mi' } },
      },
      {
        name: 'client',
        image: 'busybox:latest',
        command: idle,
        env: [{ name: 'GREETING', value: 'hi' }],
        volumeMounts: [
          { name: 'shared', mountPath: '/shared' },
          { name: 'host', mountPath: '/host', readOnly: true },
        ],
      },
    ],
    {
      volumes: [
        { name: 'shared', emptyDir: {} },
        { name: 'host', hostPath: { path: hostDir } },
      ],
    },
  );
  const pod = await h.waitForPod('web', running);
  t.true((pod.status?.podIP ?? '').startsWith(POD_CIDR.split('.').slice(0, 3).join('.')));
  t.is(pod.status?.hostIP, NODE_IP);

  const clientId = statusOf(pod, 'client')!.containerID!.replace('docker://', '');
  const fetched = await h.runtime.exec(clientId, ['wget', '-qO-', 'http://localhost:8080/index.html']);
  t.is(fetched.output.trim(), 'hello-from-server');
  t.is((await h.runtime.exec(clientId, ['cat', '/shared/index.html'])).output.trim(), 'hello-from-server');
  t.is((await h.runtime.exec(clientId, ['sh', '-c', 'echo $GREETING'])).output.trim(), 'hi');
  t.is((await h.runtime.exec(clientId, ['cat', '/host/motd'])).output, 'from-the-host');
  t.not((await h.runtime.exec(clientId, ['touch', '/host/x'])).exitCode, 0);

  const serverId = statusOf(pod, 'server')!.containerID!.replace('docker://', '');
  const inspect = await h.docker.getContainer(serverId).inspect();
  t.is(inspect.HostConfig.NanoCpus, 500_000_000);
  t.is(inspect.HostConfig.Memory, 64 * 1024 * 1024);

  const reasons = (await h.store.list('Event', 'default')).items.filter((e) => e.involvedObject.name === 'web').map((e) => e.reason);
  t.true(reasons.includes('Created') && reasons.includes('Started'));
});

test('restarts a container killed from outside, counting the restart', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('victim', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  const before = await h.waitForPod('victim', running);
  const firstId = statusOf(before, 'app')!.containerID!.replace('docker://', '');
  await h.docker.getContainer(firstId).kill();
  const after = await h.waitForPod('victim', (p) => running(p) && statusOf(p, 'app')?.restartCount === 1);
  t.not(statusOf(after, 'app')?.containerID, `docker://${firstId}`);
  t.is(statusOf(after, 'app')?.lastState?.terminated?.exitCode, 137);
});

test('backs off a container that keeps exiting with CrashLoopBackOff, its restart count climbing', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('crasher', [{ name: 'app', image: 'busybox:latest', command: ['sh', '-c', 'echo giving up; exit 3'] }]);
  const looping = await h.waitForPod('crasher', (p) => statusOf(p, 'app')?.state.waiting?.reason === 'CrashLoopBackOff');
  t.is(statusOf(looping, 'app')?.lastState?.terminated?.exitCode, 3);
  t.is(statusOf(looping, 'app')?.lastState?.terminated?.reason, 'Error');
  const logs = await h.runtime.logs(statusOf(looping, 'app')!.containerID!.replace('docker://', ''), { follow: false });
  t.is((await logs.toArray()).join('').trim(), 'giving up');
  await h.waitForPod('crasher', (p) => (statusOf(p, 'app')?.restartCount ?? 0) >= 2);
  const events = await h.store.list('Event', 'default');
  t.true(events.items.some((e) => e.involvedObject.name === 'crasher' && e.reason === 'BackOff'));
});

test('reports ErrImagePull then ImagePullBackOff for a missing image, and keeps serving other pods', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('missing', [{ name: 'app', image: 'minik8s-test/does-not-exist:latest' }]);
  await h.createPod('fine', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  const failed = await h.waitForPod('missing', (p) => statusOf(p, 'app')?.state.waiting?.reason === 'ErrImagePull');
  t.truthy(statusOf(failed, 'app')?.state.waiting?.message);
  t.is(failed.status?.phase, 'Pending');
  await h.waitForPod('missing', (p) => statusOf(p, 'app')?.state.waiting?.reason === 'ImagePullBackOff');
  await h.waitForPod('fine', running);
  t.pass();
});

test('removes a deleted pod: containers stopped and gone', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('doomed', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  await h.waitForPod('doomed', running);
  t.is((await h.containersOf('doomed')).length, 2);
  await h.store.delete({ kind: 'Pod', namespace: 'default', name: 'doomed' });
  t.true(await eventually(async () => (await h.containersOf('doomed')).length === 0));
});

test('an agent restart adopts running pods with the same container ids and cleans up pods deleted meanwhile', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('keeper', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  await h.createPod('gone', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  await h.waitForPod('keeper', running);
  await h.waitForPod('gone', running);
  const ids = (await h.containersOf('keeper')).map((c) => c.Id).sort();

  await h.agent.stop();
  await h.store.delete({ kind: 'Pod', namespace: 'default', name: 'gone' });
  const agent = await h.restartAgent();
  await agent.pods.whenIdle();

  t.deepEqual((await h.containersOf('keeper')).map((c) => c.Id).sort(), ids);
  t.true((await h.containersOf('keeper')).every((c) => c.State === 'running'));
  t.deepEqual(await h.containersOf('gone'), []);
  const keeper = await h.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'keeper' });
  t.is(statusOf(keeper, 'app')?.restartCount, 0);
});

test('replaces the containers of a pod recreated under the same name', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('phoenix', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  const old = await h.waitForPod('phoenix', running);
  await h.store.delete({ kind: 'Pod', namespace: 'default', name: 'phoenix' });
  const reborn = await h.createPod('phoenix', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  const oldId = statusOf(old, 'app')?.containerID;
  await h.waitForPod('phoenix', (p) => p.metadata.uid === reborn.metadata.uid && running(p) && statusOf(p, 'app')?.containerID !== oldId);
  const containers = await h.containersOf('phoenix');
  t.is(containers.length, 2);
  t.true(containers.every((c) => c.Labels['minik8s.io/pod-uid'] === reborn.metadata.uid));
});

test('a pod whose containers complete under Never succeeds, keeping its containers and stopping its sandbox', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('job', [{ name: 'app', image: 'busybox:latest', command: ['true'] }], { restartPolicy: 'Never' });
  const done = await h.waitForPod('job', (p) => p.status?.phase === 'Succeeded');
  t.is(statusOf(done, 'app')?.state.terminated?.reason, 'Completed');
  t.is(statusOf(done, 'app')?.restartCount, 0);
  t.true(await eventually(async () => (await h.containersOf('job')).every((c) => c.State === 'exited')));
  t.is((await h.containersOf('job')).length, 2);
});
