/**
 * Restarts must not look like nothing happened: when a pod's containers died while its agent was down (the
 * node's dockerd restarted with npm stop / npm start), the restarted agent corrects the stored status before
 * it recreates anything — not ready, no pod IP — and counts the recreated container as a restart.
 */
import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { ensureTestPodNetwork, startAgentHarness } from './agent-harness.js';

test.before(ensureTestPodNetwork);

const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const app = (pod: Pod) => pod.status?.containerStatuses?.find((c) => c.name === 'app');
const ready = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

test('after its containers died with the agent down, the restarted agent marks the pod not ready at once and counts the recreation', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('web', [{ name: 'app', image: 'busybox:latest', command: idle }]);
  const before = await h.waitForPod('web', (p) => p.status?.phase === 'Running' && ready(p));
  const oldContainer = app(before)?.containerID;

  await h.agent.stop();
  // What a restarted dockerd leaves behind: the pod's containers, its sandbox too, all dead.
  for (const c of await h.containersOf('web')) await h.docker.getContainer(c.Id).kill();

  // Every status the API serves from here on, in order.
  const writes: Pod[] = [];
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const current = await h.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'web' });
  const watching = (async () => {
    for await (const e of h.api.watch('Pod', { namespace: 'default', resourceVersion: current.metadata.resourceVersion }, abort.signal)) {
      if (e.object.metadata.name === 'web') writes.push(e.object);
    }
  })().catch(() => undefined);

  await h.restartAgent();
  const after = await h.waitForPod('web', (p) => ready(p) && app(p)?.containerID !== oldContainer);
  abort.abort();
  await watching;

  const first = writes[0]!;
  t.false(ready(first), 'the first status after the restart is not ready');
  t.is(first.status?.podIP, undefined, 'and names no pod IP: the old sandbox is gone');
  t.false(first.status?.containerStatuses?.some((c) => c.ready) ?? false);
  t.is(app(after)?.restartCount, 1);
  t.truthy(after.status?.podIP);
});
