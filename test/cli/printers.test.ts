import test from 'ava';
import { newEvent } from '../../common/client/new-event.js';
import { formatAge, formatDuration } from '../../common/printers/age.js';
import { columnsFor } from '../../common/printers/columns.js';
import { podStatus } from '../../common/printers/pod-status.js';
import type { Pod, Service } from '../../common/schema/index.js';
import { describeObject } from '../../mkctl/printers/describe.js';
import { formatObjects } from '../../mkctl/printers/output-format.js';
import { formatTable } from '../../mkctl/printers/table.js';
import { makePod } from '../helpers/fixtures.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('ages read like kubectl: precise while short, coarser as they grow', (t) => {
  t.is(formatDuration(45 * s), '45s');
  t.is(formatDuration(119 * s), '119s');
  t.is(formatDuration(3 * m + 12 * s), '3m12s');
  t.is(formatDuration(5 * m), '5m');
  t.is(formatDuration(42 * m + 30 * s), '42m');
  t.is(formatDuration(5 * h), '5h');
  t.is(formatDuration(5 * h + 10 * m), '5h10m');
  t.is(formatDuration(20 * h + 10 * m), '20h');
  t.is(formatDuration(2 * d), '2d');
  t.is(formatDuration(3 * d + 4 * h), '3d4h');
  t.is(formatDuration(30 * d + 4 * h), '30d');
  t.is(formatDuration(-500), '0s');
  t.is(formatAge(undefined, new Date()), '<unknown>');
  t.is(formatAge('2026-01-01T00:00:00Z', new Date('2026-01-01T00:01:30Z')), '90s');
});

test('a table has upper-case headers and columns padded three spaces apart', (t) => {
  const out = formatTable(
    ['name', 'Ready', 'age'],
    [
      ['web-1', '1/1', '5s'],
      ['a', '0/1', '12m'],
    ],
  );
  t.is(out, ['NAME    READY   AGE', 'web-1   1/1     5s', 'a       0/1     12m'].join('\n'));
});

function podWith(status: Pod['status']): Pod {
  return { ...makePod('web'), status };
}

test('pod STATUS shows a waiting reason before the phase', (t) => {
  const waiting = (reason: string) => ({ name: 'c', image: 'x', ready: false, restartCount: 3, state: { waiting: { reason } } });
  t.is(podStatus(podWith({ phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff')] })), 'CrashLoopBackOff');
  t.is(podStatus(podWith({ phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] })), 'ErrImagePull');
  t.is(podStatus(podWith({ phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] })), 'ContainerCreating');
  t.is(podStatus(podWith({ phase: 'Running' })), 'Running');
  t.is(podStatus(podWith(undefined)), 'Pending');
  t.is(
    podStatus(
      podWith({ phase: 'Failed', containerStatuses: [{ name: 'c', image: 'x', ready: false, restartCount: 0, state: { terminated: { exitCode: 1 } } }] }),
    ),
    'Error',
  );
});

test('pod columns give READY, STATUS, RESTARTS, and IP and NODE only when wide', (t) => {
  const pod = podWith({
    phase: 'Running',
    podIP: '10.244.1.2',
    containerStatuses: [{ name: 'c', image: 'x', ready: true, restartCount: 2, state: { running: { startedAt: '' } } }],
  });
  pod.spec.nodeName = 'node-1';
  const now = new Date();
  t.deepEqual(
    columnsFor('Pod', false).map((c) => c.header),
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  );
  t.deepEqual(
    columnsFor('Pod', true)
      .map((c) => c.cell(pod, now))
      .slice(0, 4),
    ['web', '1/1', 'Running', '2'],
  );
  t.deepEqual(
    columnsFor('Pod', true).map((c) => c.header),
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE', 'AGE'],
  );
  t.deepEqual(
    columnsFor('Pod', true)
      .slice(4, 6)
      .map((c) => c.cell(pod, now)),
    ['10.244.1.2', 'node-1'],
  );
});

test('service ports show the node port of a NodePort service', (t) => {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
  };
  const cells = columnsFor('Service', true).map((c) => c.cell(svc, new Date()));
  t.deepEqual(cells.slice(0, 5), ['web', 'NodePort', '<none>', '80:30080/TCP', 'app=web']);
});

test('JSON of several objects is a kubectl List; of one named object, the object', (t) => {
  const a = makePod('a');
  t.deepEqual(JSON.parse(formatObjects([a, makePod('b')], 'json', false)), { apiVersion: 'v1', kind: 'List', items: [a, makePod('b')] });
  t.deepEqual(JSON.parse(formatObjects([a], 'json', true)), a);
  t.regex(formatObjects([], 'yaml', false), /^apiVersion: v1\nkind: List\nitems: \[\]$/);
});

test('describe prints identity, labels, fields and the events sorted by time', (t) => {
  const pod = makePod('web');
  pod.metadata.labels = { app: 'web', tier: 'front' };
  pod.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  const now = new Date('2026-01-01T00:10:00Z');
  const later = newEvent(pod, 'Warning', 'BackOff', 'Back-off restarting', { component: 'node-agent', host: 'node-1' }, new Date('2026-01-01T00:09:00Z'));
  const earlier = newEvent(pod, 'Normal', 'Scheduled', 'assigned to node-1', { component: 'scheduler' }, new Date('2026-01-01T00:01:00Z'));
  const out = describeObject(pod, [later, earlier], now);
  const lines = out.split('\n');
  t.is(lines[0], 'Name:         web');
  t.is(lines[1], 'Namespace:    default');
  t.true(lines.includes('Labels:       app=web'));
  t.true(lines.includes('              tier=front'));
  t.true(lines.includes('Annotations:  <none>'));
  t.true(lines.includes('Status:       Pending'));
  t.true(lines.includes('    - Name:  c'));
  t.true(lines.includes('      Image:  busybox:latest'));
  t.true(lines.includes('        Requests:  <none>'));
  const events = lines.slice(lines.indexOf('Events:'));
  t.regex(events[1]!, /^ {2}Type\s+Reason\s+Age\s+From\s+Message$/);
  t.regex(events[3]!, /Normal\s+Scheduled\s+9m\s+scheduler\s+assigned to node-1/);
  t.regex(events[4]!, /Warning\s+BackOff\s+60s\s+node-agent, node-1\s+Back-off restarting/);
});
