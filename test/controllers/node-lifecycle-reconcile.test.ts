import test from 'ava';
import { TerminalError } from '../../common/controller/work-queue.js';
import type { ApiObject, Event, Node } from '../../common/schema/index.js';
import { NodeLifecycleController } from '../../reconciler/controllers/node-lifecycle-controller.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const KEY = 'Node/node-1';
const health = { heartbeatGraceMs: 15_000, podEvictionGraceMs: 40_000 };
const START = Date.parse('2026-01-01T12:00:00Z');

/** node-1, Ready with a heartbeat at START and its subnet given, unless the test says otherwise. */
function node(opts: { podCIDR?: string } = {}): Node {
  const n = makeNode('node-1');
  n.spec.podCIDR = 'podCIDR' in opts ? opts.podCIDR : '10.244.1.0/24';
  n.status!.conditions = [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(START).toISOString() }];
  return n;
}

/** The controller on a clock the test moves: `at(ms)` is START plus that much. */
async function fixture(t: Parameters<typeof controllerFixture>[0], objects: ApiObject[]) {
  const f = await controllerFixture(t, objects);
  let now = START;
  const [nodes, pods] = await Promise.all([f.informer('Node'), f.informer('Pod')]);
  const controller = await f.controller(() => new NodeLifecycleController({ store: f.store, nodes, pods, log: silentLog, health, clock: () => now }));
  const at = (ms: number) => (now = START + ms);
  const ready = async () => (await f.store.mustGet({ kind: 'Node', name: 'node-1' })).status?.conditions?.find((c) => c.type === 'Ready');
  const reasons = async () => (await f.store.list('Event', 'default')).items.map((e) => e.reason).sort();
  return { ...f, controller, at, ready, reasons };
}

test('gives a joining node the lowest pod subnet no other node holds', async (t) => {
  const other = makeNode('node-2');
  other.spec.podCIDR = '10.244.1.0/24';
  const f = await fixture(t, [node({ podCIDR: undefined }), other]);
  await f.controller.reconcile(KEY);
  t.is((await f.store.mustGet({ kind: 'Node', name: 'node-1' })).spec.podCIDR, '10.244.2.0/24');
});

test('does nothing to a node whose heartbeat is fresh, and looks again when the grace period would end', async (t) => {
  const f = await fixture(t, [node()]);
  f.at(5_000);
  const before = await f.revision();
  t.deepEqual(await f.controller.reconcile(KEY), { requeueAfterMs: health.heartbeatGraceMs });
  t.is(await f.revision(), before);
});

test('a node silent past the grace period becomes Unknown with a NodeNotReady event', async (t) => {
  const f = await fixture(t, [node(), makePod('web', { nodeName: 'node-1', phase: 'Running' })]);
  f.at(health.heartbeatGraceMs + 1);
  const result = await f.controller.reconcile(KEY);
  t.like(await f.ready(), { status: 'Unknown', reason: 'NodeStatusUnknown' });
  t.deepEqual(await f.reasons(), ['NodeNotReady']);
  // Its pods are left alone for now; the eviction deadline is when to look again.
  t.is((await f.store.mustGet({ kind: 'Pod', namespace: 'default', name: 'web' })).status?.phase, 'Running');
  t.deepEqual(result, { requeueAfterMs: health.podEvictionGraceMs });
});

test('fails the pods of a node NotReady past the eviction grace period, leaving finished ones alone', async (t) => {
  const f = await fixture(t, [
    node(),
    makePod('web', { nodeName: 'node-1', phase: 'Running' }),
    makePod('done', { nodeName: 'node-1', phase: 'Succeeded' }),
    makePod('elsewhere', { nodeName: 'node-2', phase: 'Running' }),
  ]);
  f.at(health.heartbeatGraceMs + 1);
  await f.controller.reconcile(KEY);
  f.at(health.heartbeatGraceMs + 1 + health.podEvictionGraceMs);
  await f.controller.reconcile(KEY);
  const phase = async (name: string) => (await f.store.mustGet({ kind: 'Pod', namespace: 'default', name })).status;
  t.like(await phase('web'), { phase: 'Failed', reason: 'NodeLost' });
  t.is((await phase('done'))?.phase, 'Succeeded');
  t.is((await phase('elsewhere'))?.phase, 'Running');
  t.deepEqual(await f.reasons(), ['NodeLost', 'NodeNotReady']);
});

/** Every pod subnet of the cluster CIDR held by another node, and node-1 joining without one. */
function fullCluster(): Node[] {
  const others = Array.from({ length: 254 }, (_, i) => {
    const n = makeNode(`other-${i + 1}`);
    n.spec.podCIDR = `10.244.${i + 1}.0/24`;
    return n;
  });
  return [node({ podCIDR: undefined }), ...others];
}

test('a node the cluster CIDR has no subnet left for is a terminal error: retrying cannot make room', async (t) => {
  const f = await fixture(t, fullCluster());
  const err = await t.throwsAsync(f.controller.reconcile(KEY), { instanceOf: TerminalError });
  t.is(err?.reason, 'CIDRNotAvailable');
  t.is((await f.store.mustGet({ kind: 'Node', name: 'node-1' })).spec.podCIDR, undefined);
});

test('run by its queue, that terminal error becomes a Warning event on the node', async (t) => {
  const f = await controllerFixture(t, fullCluster());
  const [nodes, pods, events] = await Promise.all([f.informer('Node'), f.informer('Pod'), f.informer('Event')]);
  const controller = new NodeLifecycleController({ store: f.store, nodes, pods, log: silentLog, health });
  t.teardown(() => controller.stop());
  const reported = new Promise<Event>((resolve) => events.onChange((e) => e.object.reason === 'CIDRNotAvailable' && resolve(e.object)));
  // A change to the node is what brings its key to the queue.
  const n = await f.store.mustGet({ kind: 'Node', name: 'node-1' });
  await f.store.update<Node>({ ...n, metadata: { ...n.metadata, labels: { joined: 'now' } } });
  const event = await reported;
  t.like(event, { type: 'Warning', involvedObject: { kind: 'Node', name: 'node-1' }, source: { component: 'node-lifecycle' } });
  t.regex(event.message, /none for node-1/);
});
