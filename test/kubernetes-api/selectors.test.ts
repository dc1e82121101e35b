import test from 'ava';
import { matchesFields, parseFieldSelector } from '../../common/client/field-selector.js';
import { matchesLabels, parseLabelSelector } from '../../common/client/label-selector.js';
import type { Event } from '../../common/schema/index.js';
import { makePod } from '../helpers/fixtures.js';

const select = (text: string, labels: Record<string, string> | undefined) => matchesLabels(parseLabelSelector(text), labels);

test('label selectors take equality, set-based and existence requirements, commas inside sets included', (t) => {
  const web = { app: 'web', tier: 'front' };
  t.true(select('app=web', web));
  t.true(select('app==web,tier!=db', web));
  t.true(select('app in (web,api)', web));
  t.false(select('app notin (web)', web));
  t.true(select('tier in (back, front),app', web));
  t.true(select('!canary', web));
  t.false(select('!app', web));
  t.false(select('canary', web));
  t.true(select('app notin (db)', undefined));
  t.true(select('', undefined));
  t.true(select('replicas>2', { replicas: '3' }));
  t.false(select('replicas<2', { replicas: '3' }));
  t.deepEqual(parseLabelSelector('app.kubernetes.io/name in (a,b), !x'), [
    { key: 'app.kubernetes.io/name', op: 'in', values: ['a', 'b'] },
    { key: 'x', op: '!', values: [] },
  ]);
});

test('malformed label selectors are refused with the part that is wrong', (t) => {
  t.throws(() => parseLabelSelector('app in ()'), { message: /"app in \(\)": a value set needs at least one value/ });
  t.throws(() => parseLabelSelector('app=we b'), { message: /invalid label selector "app=we b"/ });
  t.throws(() => parseLabelSelector('-bad=x'), { message: /"-bad" is not a valid label key/ });
  t.throws(() => parseLabelSelector('n>x'), { message: /is not an integer/ });
});

test('field selectors match the fields each kind supports and refuse the others', (t) => {
  const pod = makePod('web', { nodeName: 'node-1', phase: 'Running' });
  t.true(matchesFields(parseFieldSelector('Pod', 'metadata.name=web,spec.nodeName=node-1'), pod));
  t.true(matchesFields(parseFieldSelector('Pod', 'status.phase!=Pending'), pod));
  t.false(matchesFields(parseFieldSelector('Pod', 'metadata.namespace==prod'), pod));
  t.throws(() => parseFieldSelector('Pod', 'spec.image=x'), {
    message: /field label not supported: "spec.image" is not a known field selector for Pod: only "metadata.name"/,
  });
  t.throws(() => parseFieldSelector('Deployment', 'spec.nodeName=node-1'), { message: /not a known field selector for Deployment/ });
  t.throws(() => parseFieldSelector('Pod', 'metadata.name'), { message: /expected field=value/ });
});

test('events are selected by the object they are about, an unset field reading as empty', (t) => {
  const event: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
    type: 'Normal',
    reason: 'Started',
    message: 'started',
    count: 1,
  };
  t.true(matchesFields(parseFieldSelector('Event', 'involvedObject.name=web,involvedObject.kind=Pod,involvedObject.uid=u1'), event));
  t.false(matchesFields(parseFieldSelector('Event', 'involvedObject.name=web-2'), event));
  t.true(matchesFields(parseFieldSelector('Event', 'involvedObject.fieldPath='), event));
  t.true(matchesFields(parseFieldSelector('Event', 'reason=Started,type=Normal'), event));
});
