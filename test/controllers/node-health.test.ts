import test from 'ava';
import type { Node } from '../../common/schema/index.js';
import { allocatePodCIDR, defaultNodeHealthOptions, podsToEvict, staleReadyCondition } from '../../reconciler/controllers/node-health.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const now = Date.parse('2026-01-01T00:01:00Z');

function withReady(node: Node, status: 'True' | 'Unknown', at: string): Node {
  return { ...node, status: { ...node.status, conditions: [{ type: 'Ready', status, lastHeartbeatTime: at, lastTransitionTime: at }] } };
}

test('a node with a fresh heartbeat stays Ready', (t) => {
  t.is(staleReadyCondition(withReady(makeNode('n'), 'True', '2026-01-01T00:00:50Z'), now, defaultNodeHealthOptions), undefined);
});

test('a node silent for longer than the grace period becomes Unknown', (t) => {
  const c = staleReadyCondition(withReady(makeNode('n'), 'True', '2026-01-01T00:00:40Z'), now, defaultNodeHealthOptions);
  t.is(c?.status, 'Unknown');
  t.is(c?.reason, 'NodeStatusUnknown');
});

test('pods of a node NotReady past the eviction grace are evicted, finished ones are left alone', (t) => {
  const lost = withReady(makeNode('lost'), 'Unknown', '2026-01-01T00:00:10Z');
  const recent = withReady(makeNode('recent'), 'Unknown', '2026-01-01T00:00:50Z');
  const pods = [makePod('a', { nodeName: 'lost' }), makePod('b', { nodeName: 'lost', phase: 'Succeeded' }), makePod('c', { nodeName: 'recent' })];
  t.deepEqual(
    podsToEvict(pods, [lost, recent], now, defaultNodeHealthOptions).map((p) => p.metadata.name),
    ['a'],
  );
});

test('pod CIDRs are the lowest free /24s', (t) => {
  const n1 = { ...makeNode('n1'), spec: { podCIDR: '10.244.1.0/24' } };
  const n3 = { ...makeNode('n3'), spec: { podCIDR: '10.244.3.0/24' } };
  t.is(allocatePodCIDR([n1, n3]), '10.244.2.0/24');
  t.is(allocatePodCIDR([]), '10.244.1.0/24');
});

test('a restarted control plane gives nodes a fresh grace period instead of condemning them at once', (t) => {
  const later = Date.parse('2026-01-01T00:10:00Z');
  const restartedAt = later - 5_000;
  // The last heartbeat is minutes old because the control plane itself was down.
  const node = withReady(makeNode('n'), 'True', '2026-01-01T00:01:00Z');
  t.truthy(staleReadyCondition(node, later, defaultNodeHealthOptions));
  t.is(staleReadyCondition(node, later, defaultNodeHealthOptions, restartedAt), undefined);
  const notReady = withReady(makeNode('m'), 'Unknown', '2026-01-01T00:01:00Z');
  const pod = makePod('p', { nodeName: 'm' });
  t.is(podsToEvict([pod], [notReady], later, defaultNodeHealthOptions, restartedAt).length, 0);
  t.is(podsToEvict([pod], [notReady], later + 40_000, defaultNodeHealthOptions, restartedAt).length, 1);
});
