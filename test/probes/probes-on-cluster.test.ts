/**
 * HTTP and TCP probes on a real node: the agent runs in the node's namespace, from which it reaches
 * pod IPs, as it does in production.
 */
import test from 'ava';
import { stringify as toYaml } from 'yaml';
import type { Endpoints, Pod } from '../../common/schema/index.js';
import { waitForEvent, waitForObject, waitForPod } from '../helpers/cluster-waits.js';
import { serviceYaml, workloadYaml } from '../helpers/manifests.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { waitFor } from '../workloads/agent-double.js';

const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const ips = (e: Endpoints | undefined) => e?.subsets.flatMap((s) => s.addresses.map((a) => a.ip)) ?? [];

/** busybox httpd on an empty directory: 404 for /index.html until someone writes it. */
const gated = workloadYaml('Deployment', 'gated', 2, {
  name: 'web',
  image: 'busybox:latest',
  command: ['sh', '-c', 'mkdir -p /www && exec httpd -f -p 8080 -h /www'],
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  readinessProbe: { httpGet: { path: '/index.html', port: 'http' }, periodSeconds: 1 },
  livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
});
const service = serviceYaml('gated', { ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] });
/** Listens on nothing: its TCP liveness probe fails from the start. */
const deaf = toYaml({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'deaf' },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      { name: 'app', image: 'busybox:latest', command: ['sleep', '3600'], livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 2 } },
    ],
  },
});

test('httpGet readiness keeps pods out of their service until they serve; a failing tcpSocket liveness probe restarts', async (t) => {
  const cluster = await startTestCluster(t, { nodes: 1 });
  await cluster.push({ 'gated.yaml': gated, 'gated-svc.yaml': service, 'deaf.yaml': deaf }, 'probed workloads');

  const started = (p: Pod) => p.metadata.labels?.app === 'gated' && p.status?.containerStatuses?.[0]?.state.running !== undefined && Boolean(p.status.podIP);
  const [first, second] = [...(await waitFor(cluster.client, 'Pod', (ps) => [...ps.values()].filter(started).length === 2, 60_000)).values()].filter(started);
  // Running, probed and refused (404): not Ready, so no endpoint.
  await waitForEvent(cluster.client, 'Unhealthy', /^Readiness probe failed: HTTP probe failed with statuscode: 404$/, 20_000);
  t.false(ready((await cluster.client.get({ kind: 'Pod', namespace: 'default', name: first!.metadata.name }))!));
  t.deepEqual(ips(await waitForObject(cluster.client, 'Endpoints', 'gated', (e) => e !== undefined)), []);

  const served = await cluster.exec(first!.metadata.name, ['sh', '-c', 'echo ok > /www/index.html']);
  t.is(served.exitCode, 0);
  await waitForPod(cluster.client, first!.metadata.name, ready, 10_000);
  const endpoints = await waitForObject(cluster.client, 'Endpoints', 'gated', (e) => ips(e).length > 0);
  t.deepEqual(ips(endpoints), [first!.status!.podIP]);
  const other = await cluster.client.get({ kind: 'Pod', namespace: 'default', name: second!.metadata.name });
  t.false(ready(other!));
  t.is(other!.status?.containerStatuses?.[0]?.restartCount, 0, 'the passing tcpSocket liveness probe leaves it alone');

  const unhealthy = await waitForEvent(cluster.client, 'Unhealthy', /^Liveness probe failed: dial tcp 10\.244\.\d+\.\d+:9999: connect ECONNREFUSED/, 20_000);
  t.is(unhealthy.involvedObject.name, 'deaf');
  await waitForEvent(cluster.client, 'Killing', /^Container app failed liveness probe, will be restarted$/, 20_000);
  const restarted = await waitForPod(cluster.client, 'deaf', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 20_000);
  t.truthy(restarted.status?.containerStatuses?.[0]?.lastState?.terminated);
});
