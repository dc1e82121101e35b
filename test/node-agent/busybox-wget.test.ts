/** The busybox base image's wget takes -T (Debian's busybox segfaults on it: the image wraps it). */
import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { ensureTestPodNetwork, startAgentHarness } from './agent-harness.js';

test.before(ensureTestPodNetwork);

const finished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

test('wget -T 5 URL fetches in a pod, and -T ends a transfer that hangs', async (t) => {
  const h = await startAgentHarness(t);
  const script = [
    'mkdir -p /w && echo hello-wget > /w/index.html && httpd -p 8080 -h /w',
    'test "$(wget -T 5 -q -O- http://127.0.0.1:8080/)" = hello-wget || exit 10',
    'test "$(wget -qT5 -O- http://127.0.0.1:8080/)" = hello-wget || exit 11',
    // A listener that never answers: wget gives up after the timeout instead of waiting for ever.
    '(nc -l -p 8081 >/dev/null &) && sleep 0.2',
    'wget -T 1 -q -O- http://127.0.0.1:8081/; test $? -ne 0 || exit 12',
  ].join('; ');
  await h.createPod('wget', [{ name: 'app', image: 'busybox:latest', imagePullPolicy: 'Always', command: ['sh', '-c', script] }], { restartPolicy: 'Never' });
  const pod = await h.waitForPod('wget', finished);
  const exit = pod.status?.containerStatuses?.[0]?.state.terminated?.exitCode;
  t.is(exit, 0, `exit code ${exit}`);
  t.is(pod.status?.phase, 'Succeeded');
});
