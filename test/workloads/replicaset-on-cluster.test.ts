import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { workloadYaml } from '../helpers/manifests.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';
import { waitFor } from './agent-double.js';

const replicaSet = workloadYaml('ReplicaSet', 'api', 2);

const readyPods = (pods: Map<string, Pod>) => [...pods.values()].filter((p) => p.metadata.ownerReferences?.[0]?.name === 'api' && isPodReady(p));

test('on real nodes a replica set replaces a pod deleted with mkctl, and the pods of a node whose agent died', async (t) => {
  const cluster = await startTestCluster(t, { nodes: 2, controlPlane: { nodeHealth: { heartbeatGraceMs: 3000, podEvictionGraceMs: 3000 } } });
  const { client } = cluster;
  await cluster.push({ 'apps/api.yaml': replicaSet }, 'a replica set of 2');
  let pods = await waitFor(client, 'Pod', (ps) => readyPods(ps).length === 2, 90_000);

  const victim = readyPods(pods)[0]!;
  const deleted = await runMkctl(cluster.configPath, ['delete', 'pod', victim.metadata.name]);
  t.is(deleted.stdout, `pod "${victim.metadata.name}" deleted\n`, deleted.stderr);
  pods = await waitFor(client, 'Pod', (ps) => !ps.has(victim.metadata.name) && readyPods(ps).length === 2, 60_000);
  const victimNode = cluster.nodes.find((n) => n.name === victim.spec.nodeName)!;
  const containersOf = (name: string) => victimNode.docker.listContainers({ all: true, filters: { label: [`${LABELS.podName}=${name}`] } });
  t.true(await eventually(async () => (await containersOf(victim.metadata.name)).length === 0), "the deleted pod's containers are removed");

  // Kill the agent of a node that runs one of them: NotReady, its pod Failed, replaced on the other node, then deleted.
  const lost = readyPods(pods)[0]!.spec.nodeName!;
  const survivor = cluster.nodes.find((n) => n.name !== lost)!.name;
  const onLost = readyPods(pods)
    .filter((p) => p.spec.nodeName === lost)
    .map((p) => p.metadata.name);
  await cluster.stopAgent(lost, 'SIGKILL');
  pods = await waitFor(
    client,
    'Pod',
    (ps) => readyPods(ps).length === 2 && readyPods(ps).every((p) => p.spec.nodeName === survivor) && onLost.every((n) => !ps.has(n)),
    90_000,
  );
  t.deepEqual(
    readyPods(pods).map((p) => p.spec.nodeName),
    [survivor, survivor],
  );
  t.is(pods.size, 2, 'the failed pods are deleted once replaced');
  t.truthy(await waitForEvent(client, 'SuccessfulDelete', new RegExp(`^Deleted pod: ${onLost[0]}$`)));
});
