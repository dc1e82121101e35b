import test from 'ava';
import { requestLabels } from '../../reconciler/api/request-labels.js';

test('resource requests are labelled with Kubernetes verbs and the kind, never names', (t) => {
  t.deepEqual(requestLabels('GET', '/api/v1/namespaces/default/pods', false), { verb: 'list', kind: 'Pod' });
  t.deepEqual(requestLabels('GET', '/api/v1/pods', true), { verb: 'watch', kind: 'Pod' });
  t.deepEqual(requestLabels('GET', '/api/v1/namespaces/default/pods/web-1', false), { verb: 'get', kind: 'Pod' });
  t.deepEqual(requestLabels('PUT', '/api/v1/namespaces/default/pods/web-1/status', false), { verb: 'update', kind: 'Pod/status' });
  t.deepEqual(requestLabels('GET', '/api/v1/namespaces/default/pods/web-1/log', false), { verb: 'get', kind: 'Pod/log' });
  t.deepEqual(requestLabels('POST', '/apis/apps/v1/namespaces/default/deployments', false), { verb: 'create', kind: 'Deployment' });
  t.deepEqual(requestLabels('DELETE', '/api/v1/nodes/node-1', false), { verb: 'delete', kind: 'Node' });
});

test('other paths are labelled by their first two segments', (t) => {
  t.deepEqual(requestLabels('GET', '/minik8s/v1/sd/pods', false), { verb: 'get', kind: '/minik8s/v1' });
  t.deepEqual(requestLabels('POST', '/git/cluster.git/git-receive-pack', false), { verb: 'post', kind: '/git/cluster.git' });
  t.deepEqual(requestLabels('GET', '/api/v1/namespaces/default/widgets', false), { verb: 'list', kind: 'unknown' });
});
