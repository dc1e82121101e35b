import test from 'ava';
import type { NodeMetrics } from '../../common/schema/index.js';
import { topNodesTable, topPodsTable } from '../../mkctl/commands/top.js';
import { makeNode } from '../helpers/fixtures.js';
import { pod } from './fixtures.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

function report(node: string, secondsAgo: number, pods: Array<{ name: string; namespace?: string; uid?: string; cpu: string; memory: string }>): NodeMetrics {
  return {
    apiVersion: 'metrics.minik8s.io/v1',
    kind: 'NodeMetrics',
    metadata: { name: node },
    timestamp: new Date(NOW - secondsAgo * 1000).toISOString(),
    windowSeconds: 5,
    usage: { cpu: '1500m', memory: String(3 * 2 ** 30) },
    pods: pods.map((p) => ({
      namespace: p.namespace ?? 'default',
      name: p.name,
      ...(p.uid && { uid: p.uid }),
      containers: [{ name: 'c', usage: { cpu: p.cpu, memory: p.memory } }],
    })),
  };
}

test('top pods lists the measured pods by name, across namespaces with a NAMESPACE column', (t) => {
  const web = pod('web');
  const db = { ...pod('db'), metadata: { ...pod('db').metadata, namespace: 'data' } };
  const reincarnated = pod('old');
  const reports = [
    report('node-1', 2, [
      { name: 'web', cpu: '250m', memory: String(12 * 2 ** 20) },
      { name: 'old', uid: 'uid-earlier', cpu: '5m', memory: '1' },
    ]),
    report('node-2', 2, [{ name: 'db', namespace: 'data', cpu: '1', memory: '1Gi' }]),
  ];
  t.is(topPodsTable(reports, [web, reincarnated], NOW, false), 'NAME   CPU(cores)   MEMORY(bytes)\nweb    250m         12Mi');
  t.is(
    topPodsTable(reports, [web, db], NOW, true),
    'NAMESPACE   NAME   CPU(cores)   MEMORY(bytes)\ndata        db     1000m        1024Mi\ndefault     web    250m         12Mi',
  );
  t.is(topPodsTable([report('node-1', 60, [{ name: 'web', cpu: '1', memory: '1' }])], [web], NOW, false), undefined, 'a stale report shows nothing');
});

test('top nodes shows use against allocatable, and <unknown> for a node that stopped reporting', (t) => {
  const table = topNodesTable(
    [makeNode('node-2', { cpu: '2', memory: '4Gi' }), makeNode('node-1', { cpu: '2', memory: '4Gi' })],
    [report('node-1', 1, []), report('node-2', 45, [])],
    NOW,
  );
  t.is(
    table,
    [
      'NAME     CPU(cores)   CPU%        MEMORY(bytes)   MEMORY%',
      'node-1   1500m        75%         3072Mi          75%',
      'node-2   <unknown>    <unknown>   <unknown>       <unknown>',
    ].join('\n'),
  );
});
