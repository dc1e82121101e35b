/**
 * bench:heal, container part: `docker kill` a pod's app container on its node's dockerd and time, on
 * the API's watch, until the pod is Ready again on a new container (its readiness probe passed).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import type { Pod } from '../../common/schema/index.js';
import { isPodReady as ready } from '../../reconciler/workloads/pod-availability.js';
import { workloadYaml } from '../helpers/manifests.js';
import { waitFor } from '../workloads/agent-double.js';
import type { LocalCluster } from './local-cluster.js';

const RUN = process.env.MINIK8S_RUN ?? '/run/minik8s';
const NAME = 'bench-heal';
const FILE = `${NAME}.yaml`;

/**
 * One replica per round, each killed once: a container's second restart waits out the crash
 * back-off (10 s, doubling), which would time kubelet's rules rather than the healing.
 */
const deployment = (replicas: number) =>
  workloadYaml('Deployment', NAME, replicas, {
    name: 'web',
    image: 'busybox:latest',
    command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/index.html', port: 'http' }, periodSeconds: 1 },
  });

const containerId = (p: Pod) => p.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '');
const ours = (p: Pod) => p.metadata.labels?.app === NAME;

/** Ms from each kill to the pod Ready on its next container, one round per replica. */
export async function measureContainerKillHeal(cluster: LocalCluster, rounds: number): Promise<number[]> {
  await cluster.push({ [FILE]: deployment(rounds) }, `bench: ${NAME} x${rounds}`);
  try {
    const healthy = (ps: Map<string, Pod>) => [...ps.values()].filter((p) => ours(p) && ready(p));
    const pods = healthy(await waitFor(cluster.client, 'Pod', (ps) => healthy(ps).length === rounds, 120_000));
    const took: number[] = [];
    for (const pod of pods) {
      const killed = containerId(pod)!;
      const docker = new Docker({ socketPath: join(RUN, pod.spec.nodeName!, 'docker.sock') });
      const again = (p: Pod | undefined) => p !== undefined && ready(p) && containerId(p) !== killed;
      const healed = waitFor(cluster.client, 'Pod', (ps) => again(ps.get(pod.metadata.name)), 60_000);
      const t0 = performance.now();
      await docker.getContainer(killed).kill();
      await healed;
      took.push(performance.now() - t0);
    }
    return took;
  } finally {
    await cluster.push({ [FILE]: null }, `bench: remove ${NAME}`);
    await waitFor(cluster.client, 'Pod', (ps) => ![...ps.values()].some(ours), 60_000);
  }
}
