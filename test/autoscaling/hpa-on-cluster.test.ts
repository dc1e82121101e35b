import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
import { isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { waitFor } from '../workloads/agent-double.js';
import { cpuBurnerYaml, LOAD_FILE, memoryHogYaml } from './autoscaled-workloads.js';

const readyOf = (app: string) => (pods: Map<string, Pod>) => [...pods.values()].filter((p) => p.metadata.labels?.app === app && isPodReady(p));

test('on three nodes, CPU load scales a deployment out across the nodes and back in when it stops; memory scales another', async (t) => {
  t.timeout(300_000);
  const cluster = await startTestCluster(t);
  const { client } = cluster;
  await cluster.push(
    {
      'apps/burn.yaml': cpuBurnerYaml('burn', { maxReplicas: 3, scaleUp: { pods: 2, periodSeconds: 15 }, scaleDownWindowSeconds: 10 }),
      'apps/hog.yaml': memoryHogYaml('hog', { megabytes: 40, targetMi: 30, maxReplicas: 2 }),
    },
    'autoscaled workloads',
  );
  const [first] = readyOf('burn')(await waitFor(client, 'Pod', (ps) => readyOf('burn')(ps).length === 1, 90_000));

  // Load on: 200m against a 100m request at a 50 % target asks for 4; the policy allows 2 more, max is 3.
  const loadOn = Date.now();
  const on = await cluster.exec(first!.metadata.name, ['touch', LOAD_FILE]);
  t.is(on.exitCode, 0, on.stderr);
  await waitFor(client, 'Pod', (ps) => readyOf('burn')(ps).length >= 2, 90_000);
  t.log(`load on -> first new replica Ready: ${Date.now() - loadOn} ms`);
  const out = readyOf('burn')(await waitFor(client, 'Pod', (ps) => readyOf('burn')(ps).length === 3, 90_000));
  t.is(new Set(out.map((p) => p.spec.nodeName)).size, 3, 'the scheduler spreads the new pods over the nodes');
  t.truthy(await waitForEvent(client, 'SuccessfulRescale', /^New size: 3; reason: cpu resource utilization \(percentage of request\) above target$/));
  await waitFor(client, 'Endpoints', (eps) => eps.get('burn')?.subsets.reduce((n, s) => n + s.addresses.length, 0) === 3, 30_000);

  const top = await runMkctl(cluster.configPath, ['top', 'pods', first!.metadata.name]);
  const cpu = Number(/\s(\d+)m\s/.exec(top.stdout)?.[1]);
  t.true(cpu >= 100 && cpu <= 250, `the loaded pod uses ${cpu}m of its 200m limit:\n${top.stdout}${top.stderr}`);

  // 40 MiB per pod against 30 MiB asks for 2 pods.
  await waitFor(client, 'Deployment', (ds) => ds.get('hog')?.spec.replicas === 2, 90_000);
  t.truthy(await waitForEvent(client, 'SuccessfulRescale', /^New size: 2; reason: memory resource above target$/));

  // Load off: after the 10 s scale-down window the HPA is back at its minimum.
  await cluster.exec(first!.metadata.name, ['rm', LOAD_FILE]);
  await waitFor(client, 'Deployment', (ds) => ds.get('burn')?.spec.replicas === 1, 90_000);
  t.truthy(await waitForEvent(client, 'SuccessfulRescale', /^New size: 1; reason: All metrics below target$/));
});
