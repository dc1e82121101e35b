/**
 * Scheduler throughput on synthetic data (pure logic): 1,000 pods placed one by one over 100 nodes,
 * each decision seeing the earlier ones. Part of `npm run bench:schedule`.
 */
import { performance } from 'node:perf_hooks';
import { assume, schedule, usageByNode } from '../../reconciler/scheduler/schedule.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

export function benchScheduleDecisions(podCount = 1000, nodeCount = 100): { decisionsPerSecond: number; ms: number; unschedulable: number } {
  const nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(`node-${i}`, { cpu: '8', memory: '32Gi', labels: { zone: `z${i % 3}` } }));
  const pods = Array.from({ length: podCount }, (_, i) =>
    makePod(`pod-${i}`, {
      cpu: `${100 + (i % 5) * 50}m`,
      memory: `${128 * (1 + (i % 4))}Mi`,
      owner: `rs-${i % 20}`,
      ...(i % 7 === 0 && { nodeSelector: { zone: 'z1' } }),
    }),
  );
  const usage = usageByNode([]);
  let unschedulable = 0;
  const t0 = performance.now();
  pods.forEach((pod, i) => {
    const d = schedule(pod, nodes, usage, i);
    if (d.node === undefined) unschedulable++;
    else assume(usage, pod, d.node);
  });
  const ms = performance.now() - t0;
  return { decisionsPerSecond: Math.round((podCount / ms) * 1000), ms, unschedulable };
}
