import test from 'ava';
import type { Node, Pod } from '../../common/schema/index.js';
import { gatewayTargetGroups, nodeTargetGroups, podTargetGroups, sanitizeLabelName } from '../../reconciler/observability/scrape-targets.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

const node = (name: string, ip?: string): Node => {
  const n = makeNode(name, { labels: { 'minik8s.io/hostname': name } });
  return { ...n, status: { ...n.status, ...(ip && { addresses: [{ type: 'InternalIP', address: ip }] }), daemonEndpoints: { agentPort: 10250 } } };
};

const annotated = (name: string, annotations: Record<string, string>, opts: { nodeName?: string; podIP?: string; phase?: 'Running' | 'Pending' } = {}): Pod => {
  const p = makePod(name, { nodeName: opts.nodeName ?? 'node-1' });
  return {
    ...p,
    metadata: { ...p.metadata, labels: { app: name, 'app.kubernetes.io/part-of': 'shop' }, annotations },
    status: { phase: opts.phase ?? 'Running', ...(opts.podIP !== '' && { podIP: opts.podIP ?? '10.244.1.5' }) },
  };
};

const scrape = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000' };

test('every node with an address is a target on its agent port, with the role path', (t) => {
  const groups = nodeTargetGroups([node('node-2', '10.100.0.12'), node('node-1', '10.100.0.11'), node('node-3')], 'node-exporter');
  t.deepEqual(
    groups.map((g) => [g.targets, g.labels.__metrics_path__, g.labels.node]),
    [
      [['10.100.0.11:10250'], '/metrics/node-exporter', 'node-1'],
      [['10.100.0.12:10250'], '/metrics/node-exporter', 'node-2'],
    ],
  );
  t.is(groups[0]!.labels.__meta_minik8s_node_label_minik8s_io_hostname, 'node-1');
  t.is(nodeTargetGroups([node('node-1', '10.100.0.11')], 'cadvisor')[0]!.labels.__metrics_path__, '/metrics/cadvisor');
});

test('an annotated running pod is scraped through its node agent, labelled with namespace, pod, node and its labels', (t) => {
  const [group, ...rest] = podTargetGroups([annotated('web', { ...scrape, 'prometheus.io/path': '/stats' })], [node('node-1', '10.100.0.11')]);
  t.is(rest.length, 0);
  t.deepEqual(group, {
    targets: ['10.100.0.11:10250'],
    labels: {
      __metrics_path__: '/metrics/pods/default/web',
      __param_port: '8000',
      __param_path: '/stats',
      instance: '10.244.1.5:8000',
      namespace: 'default',
      pod: 'web',
      node: 'node-1',
      __meta_minik8s_pod_label_app: 'web',
      __meta_minik8s_pod_label_app_kubernetes_io_part_of: 'shop',
    },
  });
});

test('pods without the annotation, not running, being deleted, without a port or a known node are left out', (t) => {
  const nodes = [node('node-1', '10.100.0.11')];
  const deleting = annotated('leaving', scrape);
  deleting.metadata.deletionTimestamp = new Date().toISOString();
  const pods = [
    annotated('plain', {}),
    annotated('off', { ...scrape, 'prometheus.io/scrape': 'false' }),
    annotated('pending', scrape, { phase: 'Pending' }),
    annotated('no-ip', scrape, { podIP: '' }),
    annotated('bad-port', { ...scrape, 'prometheus.io/port': 'http' }),
    annotated('elsewhere', scrape, { nodeName: 'node-9' }),
    deleting,
    annotated('kept', scrape),
  ];
  t.deepEqual(
    podTargetGroups(pods, nodes).map((g) => g.labels.pod),
    ['kept'],
  );
});

test('without a port annotation the only declared container port is used, and the path defaults to /metrics', (t) => {
  const pod = annotated('one-port', { 'prometheus.io/scrape': 'true' });
  pod.spec.containers[0]!.ports = [{ containerPort: 9102, protocol: 'TCP' }];
  const [group] = podTargetGroups([pod], [node('node-1', '10.100.0.11')]);
  t.is(group?.labels.__param_port, '9102');
  t.is(group?.labels.__param_path, '/metrics');
});

test('label names become valid Prometheus names', (t) => {
  t.is(sanitizeLabelName('app.kubernetes.io/name'), 'app_kubernetes_io_name');
  t.is(sanitizeLabelName('9lives'), '_9lives');
});

const gatewayEndpoints = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1' as const,
  kind: 'Endpoints' as const,
  metadata: { namespace: 'minik8s-system', name: 'gateway', ...(annotations && { annotations }) },
  subsets: [{ addresses: [{ ip: '10.100.0.11' }], ports: [{ port: 80, protocol: 'TCP' as const }] }],
});

test('the gateway is scraped on the metrics port its Endpoints announce, and not at all when they announce none', (t) => {
  t.deepEqual(gatewayTargetGroups(gatewayEndpoints({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '10254' })), [
    { targets: ['10.100.0.11:10254'], labels: { component: 'gateway' } },
  ]);
  t.deepEqual(gatewayTargetGroups(gatewayEndpoints()), []);
  t.deepEqual(gatewayTargetGroups(gatewayEndpoints({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': 'http' })), []);
  t.deepEqual(gatewayTargetGroups(undefined), [], 'no gateway running');
});
