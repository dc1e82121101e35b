import test from 'ava';
import { assume, schedule, usageByNode } from '../../reconciler/scheduler/schedule.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

test('places a pod on the least requested node', (t) => {
  const nodes = [makeNode('node-1'), makeNode('node-2')];
  const usage = usageByNode([makePod('big', { cpu: '1', nodeName: 'node-1' })]);
  t.deepEqual(schedule(makePod('p', { cpu: '100m' }), nodes, usage), { node: 'node-2' });
});

test('rotates among equally good nodes by the tie-break counter', (t) => {
  const nodes = [makeNode('node-1'), makeNode('node-2'), makeNode('node-3')];
  const picks = [0, 1, 2, 3].map((i) => schedule(makePod('p'), nodes, new Map(), i).node);
  t.deepEqual(picks, ['node-1', 'node-2', 'node-3', 'node-1']);
});

test('spreads pods of one owner across nodes', (t) => {
  const nodes = [makeNode('node-1'), makeNode('node-2'), makeNode('node-3')];
  const usage = new Map();
  const placed: string[] = [];
  for (let i = 0; i < 6; i++) {
    const pod = makePod(`web-${i}`, { owner: 'web', cpu: '10m' });
    const d = schedule(pod, nodes, usage, 0);
    assume(usage, pod, d.node!);
    placed.push(d.node!);
  }
  for (const n of ['node-1', 'node-2', 'node-3']) t.is(placed.filter((p) => p === n).length, 2, n);
});

test('honours nodeSelector and says why nothing fits', (t) => {
  const nodes = [makeNode('node-1', { labels: { disk: 'ssd' } }), makeNode('node-2', { memory: '64Mi' }), makeNode('node-3', { ready: false })];
  t.deepEqual(schedule(makePod('p', { nodeSelector: { disk: 'ssd' } }), nodes, new Map()), { node: 'node-1' });
  const d = schedule(makePod('q', { memory: '1Gi', nodeSelector: { disk: 'hdd' } }), nodes, new Map());
  t.is(d.node, undefined);
  t.is((d as { message: string }).message, "0/3 nodes are available: 2 node(s) didn't match node selector, 1 node(s) not ready.");
});

test('counts requests of bound pods but not of finished ones', (t) => {
  const nodes = [makeNode('node-1', { memory: '1Gi' })];
  const running = usageByNode([makePod('a', { memory: '768Mi', nodeName: 'node-1' })]);
  t.regex((schedule(makePod('p', { memory: '512Mi' }), nodes, running) as { message: string }).message, /1 insufficient memory/);
  const finished = usageByNode([makePod('a', { memory: '768Mi', nodeName: 'node-1', phase: 'Succeeded' })]);
  t.deepEqual(schedule(makePod('p', { memory: '512Mi' }), nodes, finished), { node: 'node-1' });
});

test('never places a pod on a cordoned node', (t) => {
  const nodes = [makeNode('node-1', { unschedulable: true })];
  t.regex((schedule(makePod('p'), nodes, new Map()) as { message: string }).message, /1 node\(s\) unschedulable/);
});

test('spreads pods that request nothing away from a node already holding some, as non-zero defaults do', (t) => {
  const nodes = [makeNode('node-1'), makeNode('node-2'), makeNode('node-3')];
  const usage = usageByNode([makePod('busy', { cpu: '100m', nodeName: 'node-1' })]);
  const placed = Array.from({ length: 9 }, (_, i) => {
    const pod = makePod(`p${i}`);
    const d = schedule(pod, nodes, usage, i);
    assume(usage, pod, d.node!);
    return d.node!;
  });
  // node-1 starts one pod fuller: counting it, the ten pods end up 4/3/3 or so, never piled on two nodes.
  const counts = ['node-1', 'node-2', 'node-3'].map((n) => placed.filter((p) => p === n).length + (n === 'node-1' ? 1 : 0));
  t.true(Math.max(...counts) - Math.min(...counts) <= 1, counts.join('/'));
});
