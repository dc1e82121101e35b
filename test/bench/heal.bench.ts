/**
 * How fast the cluster heals, on the local cluster (npm start first). Run: npm run bench:heal
 *   - a container killed (docker kill on its node): kill -> pod Ready again, readiness probe passed
 *   - HPA: CPU load switched on -> first new replica Ready, beside the policy's period
 *   - the control plane killed (reconciler and etcd): restart -> API answers, -> first pod bound
 */
import { measureControlPlaneRestart } from './heal-control-plane.js';
import { measureHpaReaction } from './heal-hpa.js';
import { measureContainerKillHeal } from './heal-pod.js';
import { connectLocalCluster, ms, pct } from './local-cluster.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

async function main() {
  const cluster = await connectLocalCluster();
  try {
    const kills = await measureContainerKillHeal(cluster, ROUNDS);
    console.log(`container killed -> pod Ready again, ${ROUNDS} rounds: p50 ${ms(pct(kills, 50))}, p99 ${ms(pct(kills, 99))}, max ${ms(Math.max(...kills))}`);
    const hpa = await measureHpaReaction(cluster);
    console.log(`HPA: load on -> first new replica Ready ${ms(hpa.reactionMs)} (scale-up policy: +1 pod per ${hpa.policyPeriodSeconds} s)`);
  } finally {
    await cluster.close();
  }
  const cp = await measureControlPlaneRestart();
  console.log(
    `control plane killed -> API answers ${ms(cp.apiMs)}, -> first pod bound ${ms(cp.firstReconcileMs)} (undisturbed push -> bound ${ms(cp.baselineMs)})`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
