import test from 'ava';
import { stringify as toYaml } from 'yaml';
import type { Pod } from '../../common/schema/index.js';
import { waitForPod } from '../helpers/cluster-waits.js';
import { startTestCluster } from '../helpers/test-cluster.js';

const podYaml = (name: string, spec: Partial<Pod['spec']> = {}) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] }], ...spec },
  });

const running = (p: Pod) => p.status?.phase === 'Running';

test('six pods spread over three real nodes, and a nodeSelector pins one', async (t) => {
  const cluster = await startTestCluster(t);
  const names = Array.from({ length: 6 }, (_, i) => `spread-${i}`);
  const pinnedTo = cluster.nodes[1]!.name;
  await cluster.push(Object.fromEntries(names.map((n) => [`${n}.yaml`, podYaml(n)])));
  const pods = await Promise.all(names.map((n) => waitForPod(cluster.client, n, running, 90_000)));
  const perNode = cluster.nodes.map((node) => pods.filter((p) => p.spec.nodeName === node.name).length);
  t.deepEqual(perNode, [2, 2, 2]);
  await cluster.push({ 'pinned.yaml': podYaml('pinned', { nodeSelector: { 'minik8s.io/hostname': pinnedTo } }) });
  t.is((await waitForPod(cluster.client, 'pinned', running, 60_000)).spec.nodeName, pinnedTo);
});

test('a node whose agent stops turns NotReady and its pods fail after the grace period', async (t) => {
  const cluster = await startTestCluster(t, { controlPlane: { nodeHealth: { heartbeatGraceMs: 3000, podEvictionGraceMs: 4000 } } });
  const victim = cluster.nodes[2]!.name;
  await cluster.push({ 'doomed.yaml': podYaml('doomed', { nodeSelector: { 'minik8s.io/hostname': victim } }) });
  await waitForPod(cluster.client, 'doomed', running, 60_000);
  await cluster.stopAgent(victim, 'SIGKILL');
  const failed = await waitForPod(cluster.client, 'doomed', (p) => p.status?.phase === 'Failed', 30_000);
  t.is(failed.status?.reason, 'NodeLost');
  const node = await cluster.client.get({ kind: 'Node', name: victim });
  t.not(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});
