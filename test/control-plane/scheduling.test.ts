import test from 'ava';
import { registerReadyNode, waitForEvent, waitForPod } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

test('an unbound pod is bound to the node it fits, with a Scheduled event', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await registerReadyNode(client, makeNode('small', { memory: '64Mi' }));
  await registerReadyNode(client, makeNode('big', { memory: '8Gi' }));
  // The pod enters the store as the sync would write it; the scheduler does not care where it came from.
  await cp.store.create(makePod('web', { memory: '1Gi' }));
  const bound = await waitForPod(client, 'web', (p) => p.spec.nodeName !== undefined);
  t.is(bound.spec.nodeName, 'big');
  t.is((await waitForEvent(client, 'Scheduled', /to big$/)).involvedObject.name, 'web');
});

test('a pod that fits nowhere stays Pending with the reason, and is bound once room appears', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await registerReadyNode(client, makeNode('node-1', { memory: '1Gi' }));
  await cp.store.create(makePod('hog', { memory: '768Mi', nodeName: 'node-1' }));
  await cp.store.create(makePod('late', { memory: '512Mi' }));
  const pending = await waitForPod(client, 'late', (p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false);
  t.regex(pending.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message!, /0\/1 nodes are available: 1 insufficient memory/);
  await cp.store.delete({ kind: 'Pod', namespace: 'default', name: 'hog' });
  const bound = await waitForPod(client, 'late', (p) => p.spec.nodeName !== undefined);
  t.is(bound.spec.nodeName, 'node-1');
});

test('a node whose heartbeats stop turns NotReady and its pods fail after the grace period', async (t) => {
  const { cp, client } = await startTestControlPlane(t, { nodeHealth: { heartbeatGraceMs: 500, podEvictionGraceMs: 1000 } });
  await registerReadyNode(client, makeNode('node-1'));
  await cp.store.create(makePod('victim', { nodeName: 'node-1' }));
  const failed = await waitForPod(client, 'victim', (p) => p.status?.phase === 'Failed');
  t.is(failed.status?.reason, 'NodeLost');
  const node = await client.get({ kind: 'Node', name: 'node-1' });
  t.is(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'Unknown');
  t.truthy(node?.spec.podCIDR);
});
