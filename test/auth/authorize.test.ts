import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { authorize } from '../../reconciler/auth/authorize.js';
import type { Identity } from '../../reconciler/auth/identity.js';
import { requestAttributes } from '../../reconciler/auth/request-attributes.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const node1: Identity = { type: 'node', nodeName: 'node-1' };
const gateway: Identity = { type: 'component', component: 'gateway' };
const bootstrap: Identity = { type: 'bootstrap' };

function podOn(nodeName: string): Pod {
  const pod = makePod('web');
  return { ...pod, spec: { ...pod.spec, nodeName } };
}

const decide = (identity: Identity, method: string, path: string, ctx: Parameters<typeof authorize>[2] = {}, query: Record<string, string> = {}) =>
  authorize(identity, requestAttributes(method, path, query), ctx).allowed;

test('the admin may do anything', (t) => {
  t.true(decide({ type: 'admin' }, 'POST', '/api/v1/namespaces/default/pods/web/exec'));
  t.true(decide({ type: 'admin' }, 'POST', '/minik8s/v1/rollback'));
});

test('a node reads what its agent watches', (t) => {
  for (const path of [
    '/api/v1/pods',
    '/api/v1/services',
    '/api/v1/endpoints',
    '/api/v1/nodes',
    '/apis/minik8s.io/v1/dns',
    '/api/v1/namespaces/default/services/web',
  ])
    t.true(decide(node1, 'GET', path), path);
  t.true(decide(node1, 'GET', '/api/v1/pods', {}, { watch: 'true' }));
  t.true(decide(node1, 'GET', '/api', {}), 'discovery');
});

test('a node gets a single pod only when it is bound to it', (t) => {
  t.true(decide(node1, 'GET', '/api/v1/namespaces/default/pods/web', { stored: podOn('node-1') }));
  t.false(decide(node1, 'GET', '/api/v1/namespaces/default/pods/web', { stored: podOn('node-2') }));
});

test("a node writes the status of its own pods, never of another node's", (t) => {
  t.true(decide(node1, 'PUT', '/api/v1/namespaces/default/pods/web/status', { stored: podOn('node-1') }));
  t.true(decide(node1, 'PATCH', '/api/v1/namespaces/default/pods/web/status', { stored: podOn('node-1') }));
  t.false(decide(node1, 'PUT', '/api/v1/namespaces/default/pods/web/status', { stored: podOn('node-2') }));
  t.false(decide(node1, 'PUT', '/api/v1/namespaces/default/pods/web/status', { stored: makePod('web') }), 'an unscheduled pod');
});

test('a node may not write specs, delete, exec, read logs or evict', (t) => {
  const stored = podOn('node-1');
  t.false(decide(node1, 'PUT', '/api/v1/namespaces/default/pods/web', { stored }));
  t.false(decide(node1, 'PATCH', '/api/v1/namespaces/default/pods/web', { stored }));
  t.false(decide(node1, 'DELETE', '/api/v1/namespaces/default/pods/web', { stored }));
  t.false(decide(node1, 'POST', '/api/v1/namespaces/default/pods', { body: makePod('x') }));
  t.false(decide(node1, 'POST', '/api/v1/namespaces/default/pods/web/exec', { stored }));
  t.false(decide(node1, 'GET', '/api/v1/namespaces/default/pods/web/log', { stored }));
  t.false(decide(node1, 'POST', '/api/v1/namespaces/default/pods/web/eviction', { stored }));
  t.false(decide(node1, 'PUT', '/api/v1/namespaces/default/endpoints/web'));
  t.false(decide(node1, 'DELETE', '/api/v1/nodes/node-1', { stored: makeNode('node-1') }));
  t.false(decide(node1, 'GET', '/minik8s/v1/history'));
  t.false(decide(node1, 'POST', '/minik8s/v1/bootstrap/node', { body: { nodeName: 'node-9' } }));
});

test('a node registers and updates its own Node and metrics only, and never sets its spec', (t) => {
  const empty = { ...makeNode('node-1'), spec: {} };
  t.true(decide(node1, 'POST', '/api/v1/nodes', { body: empty }));
  t.false(decide(node1, 'POST', '/api/v1/nodes', { body: { ...makeNode('node-2'), spec: {} } }));
  t.false(decide(node1, 'POST', '/api/v1/nodes', { body: { ...empty, spec: { podCIDR: '10.244.2.0/24' } } }), 'a pod subnet of its choosing');
  const stored = { ...makeNode('node-1'), spec: { podCIDR: '10.244.1.0/24' } };
  t.true(decide(node1, 'PUT', '/api/v1/nodes/node-1', { stored, body: { ...stored, metadata: { ...stored.metadata, labels: { disk: 'ssd' } } } }));
  t.false(decide(node1, 'PUT', '/api/v1/nodes/node-1', { stored, body: { ...stored, spec: { podCIDR: '10.244.2.0/24' } } }));
  t.false(decide(node1, 'PATCH', '/api/v1/nodes/node-1', { stored, body: { spec: { unschedulable: false } } }));
  t.true(decide(node1, 'PUT', '/api/v1/nodes/node-1/status', { stored }));
  t.false(decide(node1, 'PUT', '/api/v1/nodes/node-2/status', { stored: makeNode('node-2') }));
  t.true(decide(node1, 'PUT', '/apis/metrics.minik8s.io/v1/nodemetrics/node-1'));
  t.true(decide(node1, 'POST', '/apis/metrics.minik8s.io/v1/nodemetrics', { body: { metadata: { name: 'node-1' } } }));
  t.false(decide(node1, 'PUT', '/apis/metrics.minik8s.io/v1/nodemetrics/node-2'));
});

test('a node reports events only as itself', (t) => {
  t.true(decide(node1, 'POST', '/api/v1/namespaces/default/events', { body: { source: { component: 'node-agent', host: 'node-1' } } }));
  t.false(decide(node1, 'POST', '/api/v1/namespaces/default/events', { body: { source: { component: 'scheduler' } } }));
});

test('a path segment that hides a slash is the name, as the router sees it, not a subresource', (t) => {
  t.like(requestAttributes('PUT', '/api/v1/namespaces/default/pods/web%2Fstatus', {}), { type: 'resource', name: 'web/status', subresource: undefined });
  t.false(decide(node1, 'PUT', '/api/v1/namespaces/default/pods/web%2Fstatus', { stored: podOn('node-1') }));
  t.false(decide(node1, 'GET', '/api/v1/namespaces/default/pods/%E0%A4%A', {}), 'undecodable');
  t.false(
    decide(node1, 'PUT', '/API/v1/namespaces/default/pods/web/status', { stored: podOn('node-1') }),
    'an odd spelling is not a resource, and not allowed',
  );
});

test('a bootstrap token is only good for joining', (t) => {
  t.true(decide(bootstrap, 'POST', '/minik8s/v1/bootstrap/node'));
  t.false(decide(bootstrap, 'GET', '/api/v1/pods'));
  t.false(decide(bootstrap, 'POST', '/api/v1/nodes', { body: makeNode('node-1') }));
  t.false(decide(bootstrap, 'GET', '/api'));
});

test('the gateway reads DNS and Services and writes only its own Endpoints', (t) => {
  t.true(decide(gateway, 'GET', '/apis/minik8s.io/v1/dns', {}, { watch: 'true' }));
  t.true(decide(gateway, 'GET', '/api/v1/services'));
  t.true(decide(gateway, 'PUT', '/api/v1/namespaces/minik8s-system/endpoints/gateway'));
  t.true(decide(gateway, 'DELETE', '/api/v1/namespaces/minik8s-system/endpoints/gateway'));
  t.true(decide(gateway, 'POST', '/api/v1/namespaces/minik8s-system/endpoints', { body: { metadata: { name: 'gateway' } } }));
  t.false(decide(gateway, 'POST', '/api/v1/namespaces/minik8s-system/endpoints', { body: { metadata: { name: 'other' } } }));
  t.false(decide(gateway, 'PUT', '/api/v1/namespaces/default/endpoints/web'));
  t.true(decide(gateway, 'GET', '/api/v1/pods'), 'function instances');
  t.false(decide(gateway, 'GET', '/api/v1/nodes'));
  t.false(decide(gateway, 'PUT', '/api/v1/namespaces/default/pods/web/status'));
});

test('the gateway reads Workflows and starts Executions, and writes no Workflow', (t) => {
  t.true(decide(gateway, 'GET', '/apis/minik8s.io/v1/workflows', {}, { watch: 'true' }));
  t.true(decide(gateway, 'POST', '/apis/minik8s.io/v1/namespaces/default/executions', { body: { metadata: { name: 'run-1' } } }));
  t.true(decide(gateway, 'GET', '/apis/minik8s.io/v1/namespaces/default/executions/run-1'));
  t.false(decide(gateway, 'PUT', '/apis/minik8s.io/v1/namespaces/default/executions/run-1'));
  t.false(decide(gateway, 'POST', '/apis/minik8s.io/v1/namespaces/default/workflows', { body: { metadata: { name: 'w' } } }));
});
