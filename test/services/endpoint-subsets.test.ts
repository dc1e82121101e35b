import test from 'ava';
import { endpointSubsets, hasSelector, isServingPod } from '../../reconciler/services/endpoint-subsets.js';
import { makeService, makeServingPod } from './fixtures.js';

test('endpoints are the Ready pods the selector picks, in address order, with the target port', (t) => {
  const svc = makeService('web', { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  const pods = [
    makeServingPod('web-b', { app: 'web' }, '10.244.2.9', { nodeName: 'node-2' }),
    makeServingPod('web-a', { app: 'web' }, '10.244.1.10'),
    makeServingPod('web-c', { app: 'web' }, '10.244.1.3', { ready: false }),
    makeServingPod('db', { app: 'db' }, '10.244.1.4'),
  ];
  t.deepEqual(endpointSubsets(svc, pods), [
    {
      addresses: [
        { ip: '10.244.1.10', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-a', namespace: 'default' } },
        { ip: '10.244.2.9', nodeName: 'node-2', targetRef: { kind: 'Pod', name: 'web-b', namespace: 'default' } },
      ],
      ports: [{ port: 8080, protocol: 'TCP' }],
    },
  ]);
});

test('pods without an IP, being deleted, finished, or in another namespace are not endpoints', (t) => {
  const svc = makeService('web');
  const noIp = makeServingPod('a', { app: 'web' }, '');
  const deleting = makeServingPod('b', { app: 'web' }, '10.244.1.2');
  deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  const failed = makeServingPod('c', { app: 'web' }, '10.244.1.3');
  failed.status!.phase = 'Failed';
  const elsewhere = makeServingPod('d', { app: 'web' }, '10.244.1.4');
  elsewhere.metadata.namespace = 'other';
  t.false(isServingPod(noIp) || isServingPod(deleting) || isServingPod(failed));
  t.deepEqual(endpointSubsets(svc, [noIp, deleting, failed, elsewhere]), []);
});

test('a named target port is resolved per pod, and pods that differ land in different subsets', (t) => {
  const svc = makeService('web', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
  const pods = [
    makeServingPod('old', { app: 'web' }, '10.244.1.2', { ports: [{ name: 'web', containerPort: 8080 }] }),
    makeServingPod('new', { app: 'web' }, '10.244.1.3', { ports: [{ name: 'web', containerPort: 9090 }] }),
    makeServingPod('none', { app: 'web' }, '10.244.1.4'),
  ];
  const subsets = endpointSubsets(svc, pods);
  t.deepEqual(
    subsets.map((s) => [s.addresses.map((a) => a.ip), s.ports]),
    [
      [['10.244.1.2'], [{ name: 'http', port: 8080, protocol: 'TCP' }]],
      [['10.244.1.3'], [{ name: 'http', port: 9090, protocol: 'TCP' }]],
    ],
  );
});

test("a service without a selector, or with an empty one, is not the controller's", (t) => {
  t.false(hasSelector(makeService('gw', { selector: undefined })));
  t.false(hasSelector(makeService('gw', { selector: {} })));
  t.true(hasSelector(makeService('web')));
});
