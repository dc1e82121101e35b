/**
 * Commit-to-Running latency of pods on the local cluster (npm start first), beside a bare
 * `docker run -d` of the same image on a node's own dockerd in the same run. Run: npm run bench:pods
 *   - one pod: pushed alone, ROUNDS times (each removed again before the next)
 *   - a batch: BATCH pods in one commit; per-pod time = time until all are Running ÷ BATCH
 */
import { performance } from 'node:perf_hooks';
import type { Pod } from '../../common/schema/index.js';
import { bareDockerRun, benchPodYaml, connectLocalCluster, type LocalCluster, ms, pct } from './local-cluster.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BATCH = Number(process.env.BENCH_BATCH ?? 30);
const NODE_SOCKET = process.env.BENCH_NODE_SOCKET ?? '/run/minik8s/node-1/docker.sock';

/** Pushes `n` pods in one commit; resolves with each pod's commit-to-Running time and the time until all ran. */
export async function batchToRunning(
  cluster: LocalCluster,
  n: number,
  prefix: string,
  onRunning?: (pod: Pod) => void,
): Promise<{ latencies: number[]; allMs: number }> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const running = cluster.when(names, 'Running');
  const t0 = performance.now();
  await cluster.push(Object.fromEntries(names.map((name) => [`${name}.yaml`, benchPodYaml(name)])), `bench: ${n} pods`);
  const at = await running;
  if (onRunning) for (const pod of (await cluster.client.list('Pod', { namespace: 'default' })).items) if (names.includes(pod.metadata.name)) onRunning(pod);
  const latencies = names.map((name) => at.get(name)! - t0);
  const gone = cluster.when(names, 'gone');
  await cluster.push(Object.fromEntries(names.map((name) => [`${name}.yaml`, null])), `bench: remove ${n} pods`);
  await gone;
  return { latencies, allMs: Math.max(...latencies) };
}

async function onePod(cluster: LocalCluster, round: number): Promise<{ fromPushStart: number; fromPushEnd: number; stored: number; bound: number }> {
  const name = `bench-one-${round}`;
  const [stored, bound, running] = (['stored', 'bound', 'Running'] as const).map((m) => cluster.when([name], m));
  const t0 = performance.now();
  await cluster.push({ [`${name}.yaml`]: benchPodYaml(name) }, `bench: ${name}`);
  const pushed = performance.now();
  const at = (await running!).get(name)!;
  const gone = cluster.when([name], 'gone');
  await cluster.push({ [`${name}.yaml`]: null }, `bench: remove ${name}`);
  await gone;
  return { fromPushStart: at - t0, fromPushEnd: at - pushed, stored: (await stored!).get(name)! - t0, bound: (await bound!).get(name)! - t0 };
}

async function main() {
  const cluster = await connectLocalCluster();
  try {
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) bare.push(await bareDockerRun(NODE_SOCKET, `bench-bare-${i}`));
    const single = [];
    for (let i = 0; i < ROUNDS; i++) single.push(await onePod(cluster, i));
    const fromStart = single.map((s) => s.fromPushStart);
    const fromEnd = single.map((s) => s.fromPushEnd);
    const batch = await batchToRunning(cluster, BATCH, 'bench-batch');
    const bareMean = bare.reduce((a, b) => a + b, 0) / bare.length;
    const perPod = batch.allMs / BATCH;

    console.log(`bare docker run -d (node-1's dockerd), ${ROUNDS} runs: p50 ${ms(pct(bare, 50))}, p99 ${ms(pct(bare, 99))}, mean ${ms(bareMean)}`);
    console.log(`one pod, push start -> Running, ${ROUNDS} rounds: p50 ${ms(pct(fromStart, 50))}, p99 ${ms(pct(fromStart, 99))} (target p99 <= 1500 ms)`);
    console.log(`one pod, push returned -> Running: p50 ${ms(pct(fromEnd, 50))}, p99 ${ms(pct(fromEnd, 99))}`);
    console.log(
      `one pod, push start -> in etcd p50 ${ms(
        pct(
          single.map((s) => s.stored),
          50,
        ),
      )}, -> bound p50 ${ms(
        pct(
          single.map((s) => s.bound),
          50,
        ),
      )}`,
    );
    console.log(`one pod vs bare docker run (p50): ${(pct(fromStart, 50) / pct(bare, 50)).toFixed(1)}x`);
    console.log(
      `${BATCH} pods in one commit: all Running after ${ms(batch.allMs)}; per pod p50 ${ms(pct(batch.latencies, 50))}, p99 ${ms(pct(batch.latencies, 99))}; ` +
        `${ms(perPod)} per pod = ${(perPod / bareMean).toFixed(2)}x the bare docker run mean (target <= 3x)`,
    );
  } finally {
    await cluster.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
