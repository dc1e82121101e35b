import test from 'ava';
import type { ApiClient } from '../../reconciler/client/api-client.js';
import type { Node, Pod } from '../../reconciler/schema/index.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

/** Waits on the watch (not a sleep) until a pod satisfies `predicate`. */
async function waitForPod(client: ApiClient, name: string, predicate: (p: Pod) => boolean): Promise<Pod> {
  const signal = AbortSignal.timeout(20_000);
  const list = await client.list('Pod', { namespace: 'default' });
  const found = list.items.find((p) => p.metadata.name === name && predicate(p));
  if (found) return found;
  for await (const e of client.watch('Pod', { namespace: 'default', resourceVersion: list.resourceVersion }, signal))
    if (e.object.metadata.name === name && e.type !== 'DELETED' && predicate(e.object)) return e.object;
  throw new Error(`pod ${name} never matched`);
}

async function registerNode(client: ApiClient, node: Node): Promise<void> {
  const { status, ...rest } = node;
  await client.create<Node>({ ...rest, spec: {} });
  await client.updateStatus({ kind: 'Node', name: node.metadata.name }, { ...status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] });
}

test('an unbound pod is bound to the node it fits, with a Scheduled event', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await registerNode(client, makeNode('small', { memory: '64Mi' }));
  await registerNode(client, makeNode('big', { memory: '8Gi' }));
  // The pod enters the store as the sync would write it; the scheduler does not care where it came from.
  await cp.store.create(makePod('web', { memory: '1Gi' }));
  const bound = await waitForPod(client, 'web', (p) => p.spec.nodeName !== undefined);
  t.is(bound.spec.nodeName, 'big');
  const events = await client.list('Event', { namespace: 'default' });
  t.true(events.items.some((e) => e.reason === 'Scheduled' && e.message.includes('to big')));
});

test('a pod that fits nowhere stays Pending with the reason, and is bound once room appears', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await registerNode(client, makeNode('node-1', { memory: '1Gi' }));
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
  await registerNode(client, makeNode('node-1'));
  await cp.store.create(makePod('victim', { nodeName: 'node-1' }));
  const failed = await waitForPod(client, 'victim', (p) => p.status?.phase === 'Failed');
  t.is(failed.status?.reason, 'NodeLost');
  const node = await client.get({ kind: 'Node', name: 'node-1' });
  t.is(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'Unknown');
  t.truthy(node?.spec.podCIDR);
});
