import test from 'ava';
import { ApiError } from '../../common/client/api-client.js';
import type { Pod } from '../../common/schema/index.js';
import { startTestApi } from '../helpers/api-server.js';
import { makePod } from '../helpers/fixtures.js';
import { ensureTestPodNetwork, startAgentHarness } from '../node-agent/agent-harness.js';

test.before(ensureTestPodNetwork);

const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name });

test('a status write carrying a stale resourceVersion is refused with 409 and changes nothing', async (t) => {
  const { store, client } = await startTestApi(t);
  const created = await store.create(makePod('rv', { nodeName: 'node-1' }));
  const moved = await client.updateStatus(ref('rv'), { phase: 'Running' });
  const err = await t.throwsAsync(client.updateStatus(ref('rv'), { phase: 'Succeeded' }, created.metadata.resourceVersion), { instanceOf: ApiError });
  t.is(err.status, 409);
  t.is(err.reason, 'Conflict');
  const after = await store.mustGet(ref('rv'));
  t.is(after.status?.phase, 'Running');
  t.is(after.metadata.resourceVersion, moved.metadata.resourceVersion);
  // The current version is accepted, and a write naming none still means "whatever it is now".
  const next = await client.updateStatus(ref('rv'), { phase: 'Running', reason: 'checked' }, after.metadata.resourceVersion);
  t.is(next.status?.reason, 'checked');
  t.is((await client.updateStatus(ref('rv'), { phase: 'Running' })).status?.reason, undefined);
});

test('a Succeeded phase forged into a running pod does not stop it, and the agent writes back what Docker shows', async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('forged', [{ name: 'app', image: 'busybox:latest', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] }]);
  const running = await h.waitForPod('forged', (p) => p.status?.phase === 'Running' && p.status.podIP !== undefined);
  const before = (await h.containersOf('forged')).map((c) => `${c.Id}:${c.State}`).sort();
  const forged = await h.api.updateStatus(ref('forged'), { ...running.status, phase: 'Succeeded' }, running.metadata.resourceVersion);
  t.is(forged.status?.phase, 'Succeeded');
  const corrected: Pod = await h.waitForPod('forged', (p) => p.status?.phase === 'Running' && p.metadata.resourceVersion !== forged.metadata.resourceVersion);
  t.is(corrected.status?.podIP, running.status?.podIP);
  t.deepEqual((await h.containersOf('forged')).map((c) => `${c.Id}:${c.State}`).sort(), before);
});
