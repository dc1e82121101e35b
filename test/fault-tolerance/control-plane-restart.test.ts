import test from 'ava';
import type { Endpoints, Service } from '../../common/schema/index.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { hostnameHttpd, serviceYaml, workloadYaml } from '../helpers/manifests.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';

const NODE_PORT = 30481;

const manifests = {
  'web.yaml': workloadYaml('Deployment', 'web', 3, hostnameHttpd),
  'web-svc.yaml': serviceYaml('web', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: NODE_PORT, protocol: 'TCP' }] }),
};

/** Every app container of the cluster's pods, by node: id and start time, straight from Docker. */
async function containers(cluster: TestCluster): Promise<string[]> {
  const all = await Promise.all(
    cluster.nodes.map(async (n) =>
      (await n.docker.listContainers({ filters: { label: [`${LABELS.node}=${n.name}`] } })).map((c) => `${n.name}/${c.Id}/${c.State}`),
    ),
  );
  return all.flat().sort();
}

/** Requests through the NodePort of every node, from the host, straight at the node addresses. */
async function nodePortAnswers(cluster: TestCluster): Promise<string[]> {
  return Promise.all(
    cluster.nodes.map(async (n) => (await (await fetch(`http://${n.ip}:${NODE_PORT}/`, { signal: AbortSignal.timeout(3000) })).text()).trim()),
  );
}

test('pods and services keep working while the control plane is down, and nothing restarts when it returns', async (t) => {
  const cluster = await startTestCluster(t);
  await cluster.push(manifests);
  const ready = (e: Endpoints | undefined) => (e?.subsets.flatMap((s) => s.addresses).length ?? 0) === 3;
  await waitForObject(cluster.client, 'Endpoints', 'web', ready, { timeoutMs: 90_000 });
  const svc = (await cluster.client.get({ kind: 'Service', namespace: 'default', name: 'web' })) as Service;
  const before = await containers(cluster);
  t.is(before.length, 6, 'three pods: a pause and an app container each');
  t.is((await nodePortAnswers(cluster)).length, 3);

  await cluster.stopControlPlane();
  // An outage of a few heartbeats: the agents' watches and heartbeats fail, and they keep going on what they last knew.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const during = await nodePortAnswers(cluster);
  t.true(
    during.every((body) => body.startsWith('web-')),
    `answers while down: ${during.join(', ')}`,
  );
  t.deepEqual(await containers(cluster), before, 'no container stopped or replaced while the control plane was down');

  const restartedAt = new Date().toISOString();
  await cluster.startControlPlane();
  // Back: the same objects, the same service address, the endpoints still complete.
  const after = (await cluster.client.get({ kind: 'Service', namespace: 'default', name: 'web' })) as Service;
  t.is(after.spec.clusterIP, svc.spec.clusterIP);
  await waitForObject(cluster.client, 'Endpoints', 'web', ready, { timeoutMs: 30_000 });
  // Every agent has reconnected once its node posts a heartbeat again.
  for (const n of cluster.nodes)
    await waitForObject(
      cluster.client,
      'Node',
      n.name,
      (node) => (node?.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '') > restartedAt,
      { namespace: '', timeoutMs: 30_000 },
    );
  t.deepEqual(await containers(cluster), before, 'no container restarted after the control plane came back');
  const pods = (await cluster.client.list('Pod', { namespace: 'default' })).items;
  t.true(pods.every((p) => p.status?.containerStatuses?.every((c) => c.restartCount === 0)));
  t.true((await nodePortAnswers(cluster)).every((body) => body.startsWith('web-')));
});
