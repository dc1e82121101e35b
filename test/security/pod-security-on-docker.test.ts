import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { ensureTestPodNetwork, startAgentHarness } from '../node-agent/agent-harness.js';

test.before(ensureTestPodNetwork);

const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const running = (p: Pod) => p.status?.phase === 'Running';

test('runAsUser, runAsGroup, readOnlyRootFilesystem and dropped capabilities are applied by Docker', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod(
    'locked',
    [
      {
        name: 'app',
        image: 'busybox:latest',
        command: idle,
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
        securityContext: { runAsUser: 1234, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
    { securityContext: { runAsGroup: 5678 }, volumes: [{ name: 'scratch', emptyDir: {} }] },
  );
  const pod = await h.waitForPod('locked', running);
  const id = pod.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '') ?? '';
  const run = async (cmd: string) => (await h.runtime.exec(id, ['sh', '-c', cmd])).output.trim();
  t.is(await run('id -u'), '1234');
  t.is(await run('id -g'), '5678');
  t.is(await run('touch /probe 2>/dev/null && echo writable || echo read-only'), 'read-only');
  t.is(await run('grep CapEff /proc/self/status | tr -d "\\t "'), 'CapEff:0000000000000000');
  t.is(await run('grep NoNewPrivs /proc/self/status | tr -d "\\t "'), 'NoNewPrivs:1');
});

test('runAsNonRoot keeps a root image from starting, with CreateContainerConfigError as the reason', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('rooted', [{ name: 'app', image: 'busybox:latest', command: idle }], { securityContext: { runAsNonRoot: true } });
  const pod = await h.waitForPod('rooted', (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError');
  t.is(pod.status?.phase, 'Pending');
  t.regex(pod.status?.containerStatuses?.[0]?.state.waiting?.message ?? '', /runAsNonRoot and image will run as root/);
  // Only the sandbox: no app container was ever created.
  t.is((await h.containersOf('rooted')).length, 1);
});
