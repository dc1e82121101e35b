/**
 * bench:heal, control-plane part: SIGKILL the reconciler and etcd, start them again, and time (a) until
 * the API answers and (b) until a pod pushed then is bound by the scheduler — the first reconcile — beside
 * the same push-to-bound while the control plane runs undisturbed (baseline, same run).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../../common/paths/repo-root.js';
import { benchPodYaml, connectLocalCluster, type LocalCluster, run } from './local-cluster.js';

const controlPlane = (verb: 'kill' | 'start') => run('bash', [join(repoRoot, 'scripts', 'control-plane.sh'), verb]);

/** Push a pod, resolve with ms until the scheduler has bound it; removes it again. */
async function pushToBound(cluster: LocalCluster, name: string): Promise<number> {
  const bound = cluster.when([name], 'bound');
  const t0 = performance.now();
  await cluster.push({ [`${name}.yaml`]: benchPodYaml(name) }, `bench: ${name}`);
  const took = (await bound).get(name)! - t0;
  const gone = cluster.when([name], 'gone');
  await cluster.push({ [`${name}.yaml`]: null }, `bench: remove ${name}`);
  await gone;
  return took;
}

export async function measureControlPlaneRestart(): Promise<{ baselineMs: number; apiMs: number; firstReconcileMs: number }> {
  let cluster = await connectLocalCluster();
  const baselineMs = await pushToBound(cluster, 'bench-heal-cp-before');
  await cluster.close();
  await controlPlane('kill');
  const t0 = performance.now();
  await controlPlane('start');
  cluster = await connectLocalCluster();
  const apiMs = performance.now() - t0;
  const firstReconcileMs = apiMs + (await pushToBound(cluster, 'bench-heal-cp-after'));
  await cluster.close();
  return { baselineMs, apiMs, firstReconcileMs };
}
