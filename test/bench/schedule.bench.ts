/**
 * npm run bench:schedule — the scheduler's decisions per second on synthetic data (pure logic), then
 * 90 pods committed at once to the local cluster (npm start with NODES=3 first): time until all are
 * bound and Running, and how they spread over the nodes.
 */
import { connectLocalCluster, ms, pct } from './local-cluster.js';
import { batchToRunning } from './pods.bench.js';
import { benchScheduleDecisions } from './schedule-decisions.bench.js';

const PODS = Number(process.env.BENCH_PODS ?? 90);

const decisions = benchScheduleDecisions();
console.log(`scheduler decisions: 1000 pods x 100 nodes in ${decisions.ms.toFixed(0)} ms = ${decisions.decisionsPerSecond} decisions/s (target >= 2000)`);

const cluster = await connectLocalCluster();
try {
  const spread = new Map<string, number>();
  const result = await batchToRunning(cluster, PODS, 'bench-spread', (pod) => spread.set(pod.spec.nodeName!, (spread.get(pod.spec.nodeName!) ?? 0) + 1));
  console.log(
    `${PODS} pods in one commit: all Running after ${ms(result.allMs)} (target <= 30000 ms); ` +
      `per pod p50 ${ms(pct(result.latencies, 50))}, p99 ${ms(pct(result.latencies, 99))}`,
  );
  console.log(
    `spread: ${[...spread]
      .sort()
      .map(([node, n]) => `${node}=${n}`)
      .join(' ')}`,
  );
} finally {
  await cluster.close();
}
