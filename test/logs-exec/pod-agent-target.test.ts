import test from 'ava';
import { HttpError } from '../../common/http/http-error.js';
import type { Node, Pod } from '../../common/schema/index.js';
import { podAgentTarget } from '../../reconciler/api/pod-agent-target.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const node: Node = {
  ...makeNode('n1'),
  status: {
    addresses: [
      { type: 'InternalIP', address: '10.100.0.11' },
      { type: 'Hostname', address: 'n1' },
    ],
    daemonEndpoints: { agentPort: 10250 },
  },
};
const withContainers = (pod: Pod, ...names: string[]): Pod => ({
  ...pod,
  spec: { ...pod.spec, containers: names.map((name) => ({ name, image: 'busybox:latest' })) },
});
const badRequest = (message: string) => ({ instanceOf: HttpError, message });

test('a pod with one container needs no container name', (t) => {
  t.deepEqual(podAgentTarget(makePod('web', { nodeName: 'n1' }), node), { nodeName: 'n1', host: '10.100.0.11', port: 10250, container: 'c' });
});

test('a pod with several containers needs the name, and lists them like kubectl', (t) => {
  const pod = withContainers(makePod('web', { nodeName: 'n1' }), 'a', 'b');
  t.throws(() => podAgentTarget(pod, node), badRequest('a container name must be specified for pod web, choose one of: [a b]'));
  t.is(podAgentTarget(pod, node, 'b').container, 'b');
});

test('refuses a container the pod does not have', (t) => {
  t.throws(() => podAgentTarget(makePod('web', { nodeName: 'n1' }), node, 'nope'), badRequest('container nope is not valid for pod web'));
});

test('refuses a pod not yet scheduled, or bound to a node without address or agent port', (t) => {
  t.throws(() => podAgentTarget(makePod('web'), undefined), badRequest('pod web is not scheduled to a node yet'));
  t.throws(() => podAgentTarget(makePod('web', { nodeName: 'gone' }), undefined), badRequest('pod web is bound to node gone, which does not exist'));
  const e = t.throws(() => podAgentTarget(makePod('web', { nodeName: 'n1' }), makeNode('n1')));
  t.is((e as HttpError).code, 400);
  t.regex(e!.message, /node n1 has not reported its address and agent port/);
});
