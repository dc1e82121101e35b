/**
 * bench:heal, autoscaling part: a running CPU burner behind an HPA (+1 pod per 15 s) is switched to full
 * load through exec; timed on the API's watch until its first new replica is Ready. The path is the
 * agent's next sample (every 5 s), the HPA's next look (every 5 s), then scheduling and starting a pod.
 */
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { execInPod } from '../../common/client/pod-streams.js';
import type { Pod } from '../../common/schema/index.js';
import { isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { cpuBurnerYaml, LOAD_FILE } from '../autoscaling/autoscaled-workloads.js';
import { waitFor } from '../workloads/agent-double.js';
import type { LocalCluster } from './local-cluster.js';

const NAME = 'bench-hpa';
const FILE = `${NAME}.yaml`;
const POLICY_PERIOD_SECONDS = 15;

const ours = (p: Pod) => p.metadata.labels?.app === NAME;
const ready = (ps: Map<string, Pod>) => [...ps.values()].filter((p) => ours(p) && isPodReady(p));

/** Ms from switching the load on to the first new replica Ready, beside the scale-up policy's period. */
export async function measureHpaReaction(cluster: LocalCluster): Promise<{ reactionMs: number; policyPeriodSeconds: number }> {
  const { client } = cluster;
  await cluster.push(
    { [FILE]: cpuBurnerYaml(NAME, { maxReplicas: 2, scaleUp: { pods: 1, periodSeconds: POLICY_PERIOD_SECONDS }, scaleDownWindowSeconds: 0 }) },
    `bench: ${NAME}`,
  );
  try {
    const [first] = ready(await waitFor(client, 'Pod', (ps) => ready(ps).length === 1, 120_000));
    const name = first!.metadata.name;
    // A service already running is measured already: wait for the pod's first sample, so the clock starts with the load.
    await waitFor(client, 'NodeMetrics', (ms) => [...ms.values()].some((m) => m.pods.some((p) => p.name === name)), 60_000);
    const scaled = waitFor(client, 'Pod', (ps) => ready(ps).some((p) => p.metadata.name !== name), 120_000);
    const t0 = performance.now();
    const sink = new PassThrough().resume();
    const exitCode = await execInPod(client, { namespace: 'default', name }, { command: ['touch', LOAD_FILE] }, { stdout: sink, stderr: sink });
    if (exitCode !== 0) throw new Error(`touch ${LOAD_FILE} in ${name} exited ${exitCode}`);
    await scaled;
    return { reactionMs: performance.now() - t0, policyPeriodSeconds: POLICY_PERIOD_SECONDS };
  } finally {
    await cluster.push({ [FILE]: null }, `bench: remove ${NAME}`);
    await waitFor(client, 'Pod', (ps) => ![...ps.values()].some(ours), 60_000);
  }
}
