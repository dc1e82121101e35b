import test from 'ava';
import type { ApiClient } from '../../common/client/api-client.js';
import type { Pod } from '../../common/schema/index.js';
import { writeNodeMetrics } from '../../node-agent/metrics/metrics-reporter.js';
import { isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { waitFor } from '../workloads/agent-double.js';
import { startWorkloadCluster } from '../workloads/workload-cluster.js';

const MiB = 2 ** 20;
const MANAGED = 'minik8s.io/replicas-managed-by';

const deployYaml = (tier: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {tier: ${tier}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: main
          image: busybox:latest
          resources: {requests: {cpu: 100m}}
`;
const hpaYaml = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 0}
`;

const readyPods = (pods: Map<string, Pod>) => [...pods.values()].filter(isPodReady);

/** Writes node-1's report as its agent would: every pod given at `cpu` millicores and `memory` bytes, measured just now. */
function report(client: ApiClient, pods: Pod[], cpu: number, memory: number) {
  return writeNodeMetrics(client, {
    apiVersion: 'metrics.minik8s.io/v1',
    kind: 'NodeMetrics',
    metadata: { name: 'node-1' },
    timestamp: new Date().toISOString(),
    // A sample over a moment: it cannot reach back before the pods became ready.
    windowSeconds: 0.001,
    usage: { cpu: `${cpu * pods.length}m`, memory: String(memory * pods.length) },
    pods: pods.map((p) => ({
      namespace: 'default',
      name: p.metadata.name,
      uid: p.metadata.uid!,
      containers: [{ name: 'main', usage: { cpu: `${cpu}m`, memory: String(memory) } }],
    })),
  });
}

test('an HPA scales its deployment out and in on CPU, Git sync keeps its count, and deleting it gives the count back to Git', async (t) => {
  const { client, push, configPath } = await startWorkloadCluster(t, { 'apps/web.yaml': deployYaml('a'), 'apps/web-hpa.yaml': hpaYaml });
  const two = readyPods(await waitFor(client, 'Pod', (ps) => readyPods(ps).length === 2));

  // 200 % of the request against 50 %: 8 wanted, 6 allowed by the default policy, 5 by maxReplicas.
  await report(client, two, 200, 32 * MiB);
  await waitFor(client, 'Deployment', (ds) => ds.get('web')?.spec.replicas === 5 && ds.get('web')?.metadata.annotations?.[MANAGED] === 'hpa');
  t.truthy(await waitForEvent(client, 'SuccessfulRescale', /^New size: 5; reason: cpu resource utilization \(percentage of request\) above target$/));
  const hpa = (await waitFor(client, 'HorizontalPodAutoscaler', (hs) => hs.get('web')?.status?.currentReplicas === 5)).get('web')!;
  t.deepEqual(hpa.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '200m', averageUtilization: 200 } } }]);
  t.like(
    hpa.status?.conditions?.find((c) => c.type === 'ScalingLimited'),
    { status: 'True', reason: 'TooManyReplicas' },
  );

  const get = await runMkctl(configPath, ['get', 'hpa']);
  t.regex(
    get.stdout,
    /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\nweb\s+Deployment\/web\s+cpu: 200%\/50%\s+1\s+5\s+5\s+\d+s\n$/,
    get.stderr,
  );
  const describe = await runMkctl(configPath, ['describe', 'hpa', 'web']);
  t.regex(describe.stdout, /resource cpu on pods {2}\(as a percentage of request\): {2}200% \(200m\) \/ 50%/);
  t.regex(describe.stdout, /ScalingLimited\s+True\s+TooManyReplicas\s+the desired replica count is more than the maximum replica count/);
  t.regex(describe.stdout, /Normal\s+SuccessfulRescale\s+.*New size: 5; reason: cpu resource utilization \(percentage of request\) above target/);
  const top = await runMkctl(configPath, ['top', 'pods']);
  t.deepEqual(
    top.stdout
      .split('\n')
      .slice(0, 2)
      .map((l) => l.split(/\s+/)),
    [
      ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
      [two.map((p) => p.metadata.name).sort()[0], '200m', '32Mi'],
    ],
  );
  const nodes = await runMkctl(configPath, ['top', 'nodes']);
  t.is(nodes.stdout, 'NAME     CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\nnode-1   400m         20%    64Mi            2%\n');

  // A push that changes the deployment keeps the autoscaler's count and mark.
  await push({ 'apps/web.yaml': deployYaml('b') });
  const relabelled = (await waitFor(client, 'Deployment', (ds) => ds.get('web')?.metadata.labels?.tier === 'b')).get('web')!;
  t.is(relabelled.spec.replicas, 5);
  t.is(relabelled.metadata.annotations?.[MANAGED], 'hpa');

  // The load stops: with no scale-down window the HPA goes to its minimum at once.
  const five = readyPods(await waitFor(client, 'Pod', (ps) => readyPods(ps).length === 5));
  await report(client, five, 0, 32 * MiB);
  await waitFor(client, 'Deployment', (ds) => ds.get('web')?.spec.replicas === 1);
  t.truthy(await waitForEvent(client, 'SuccessfulRescale', /^New size: 1; reason: All metrics below target$/));

  // Without the HPA the mark goes, and the next sync brings Git's count back.
  await push({ 'apps/web-hpa.yaml': null });
  await waitFor(client, 'Deployment', (ds) => ds.get('web')?.metadata.annotations?.[MANAGED] === undefined);
  await push({ 'apps/web.yaml': deployYaml('c') });
  t.is((await waitFor(client, 'Deployment', (ds) => ds.get('web')?.metadata.labels?.tier === 'c')).get('web')?.spec.replicas, 2);
});
