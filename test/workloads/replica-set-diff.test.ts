import test from 'ava';
import { diffReplicaSet } from '../../reconciler/workloads/replica-set-diff.js';
import { pod } from './workload-fixtures.js';

const names = (pods: { metadata: { name: string } }[]) => pods.map((p) => p.metadata.name);

test('creates the missing pods', (t) => {
  t.deepEqual(diffReplicaSet(3, [pod('a', { node: 'n1', ready: true })]), { create: 2, remove: [], finished: [] });
});

test('does nothing when in sync', (t) => {
  t.deepEqual(diffReplicaSet(2, [pod('a'), pod('b')]), { create: 0, remove: [], finished: [] });
});

test('replaces a failed pod and deletes it once the replacement exists', (t) => {
  const failed = pod('a', { node: 'n1', phase: 'Failed' });
  const diff = diffReplicaSet(2, [failed, pod('b', { node: 'n1', ready: true })]);
  t.is(diff.create, 1);
  t.deepEqual(names(diff.finished), ['a']);
});

test('a succeeded pod is finished too and does not count', (t) => {
  const diff = diffReplicaSet(1, [pod('a', { phase: 'Succeeded' })]);
  t.is(diff.create, 1);
  t.deepEqual(names(diff.finished), ['a']);
});

test('removes unscheduled pods before scheduled ones', (t) => {
  const diff = diffReplicaSet(1, [pod('bound', { node: 'n1', phase: 'Pending' }), pod('unbound', { phase: 'Pending' })]);
  t.deepEqual(names(diff.remove), ['unbound']);
});

test('removes pending before running, and not-ready before ready', (t) => {
  const pods = [pod('ready', { node: 'n', ready: true }), pod('pending', { node: 'n', phase: 'Pending' }), pod('running', { node: 'n' })];
  t.deepEqual(names(diffReplicaSet(0, pods).remove), ['pending', 'running', 'ready']);
});

test('among ready pods removes the one ready for the shortest time, then the one with more restarts', (t) => {
  const pods = [
    pod('old', { node: 'n', ready: true, readySince: '2024-01-01T00:00:00Z' }),
    pod('fresh', { node: 'n', ready: true, readySince: '2024-01-01T01:00:00Z' }),
  ];
  t.deepEqual(names(diffReplicaSet(1, pods).remove), ['fresh']);
  const same = '2024-01-01T00:00:00Z';
  const crashy = [pod('calm', { node: 'n', ready: true, readySince: same }), pod('crashy', { node: 'n', ready: true, readySince: same, restarts: 4 })];
  t.deepEqual(names(diffReplicaSet(1, crashy).remove), ['crashy']);
});

test('otherwise removes the newest pods first', (t) => {
  const pods = [
    pod('older', { node: 'n', ready: true, created: '2024-01-01T00:00:00Z' }),
    pod('newer', { node: 'n', ready: true, created: '2024-01-02T00:00:00Z' }),
  ];
  t.deepEqual(names(diffReplicaSet(1, pods).remove), ['newer']);
});

test('scales to zero by removing every active pod', (t) => {
  const diff = diffReplicaSet(0, [pod('a'), pod('b'), pod('c', { phase: 'Failed' })]);
  t.deepEqual(names(diff.remove).sort(), ['a', 'b']);
  t.deepEqual(names(diff.finished), ['c']);
});
