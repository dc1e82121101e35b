import type { NodeMetrics, PodUsage } from '../../common/schema/index.js';
import type { ContainerSample } from './container-sample.js';

const cpuQuantity = (millis: number) => `${Math.round(millis)}m`;

interface ContainerUsage {
  name: string;
  millicores: number;
  bytes: number;
}

/**
 * The node's report from two rounds of samples: a container's CPU rate is its CPU time between the
 * rounds over the time between them. A pod is reported only when every running container of it has a
 * rate (a container that just started or restarted has no earlier sample), as metrics-server does.
 */
export function nodeMetricsFrom(
  nodeName: string,
  previous: ReadonlyMap<string, ContainerSample>,
  samples: readonly ContainerSample[],
  now: number,
): NodeMetrics {
  const byPod = new Map<string, { pod: Omit<PodUsage, 'containers'>; containers: ContainerUsage[]; complete: boolean }>();
  let windowMs = 0;
  for (const s of samples) {
    const key = `${s.namespace}/${s.pod}/${s.podUid}`;
    const entry = byPod.get(key) ?? { pod: { namespace: s.namespace, name: s.pod, uid: s.podUid }, containers: [], complete: true };
    byPod.set(key, entry);
    const before = previous.get(s.id);
    const elapsedMs = before ? s.at - before.at : 0;
    // No earlier sample, or counters that went backwards: no rate this round.
    if (!before || elapsedMs <= 0 || s.cpuNs < before.cpuNs) {
      entry.complete = false;
      continue;
    }
    windowMs = Math.max(windowMs, elapsedMs);
    entry.containers.push({ name: s.container, millicores: (s.cpuNs - before.cpuNs) / (elapsedMs * 1000), bytes: s.workingSetBytes });
  }
  const complete = [...byPod.values()].filter((e) => e.complete);
  const all = complete.flatMap((e) => e.containers);
  return {
    apiVersion: 'metrics.minik8s.io/v1',
    kind: 'NodeMetrics',
    metadata: { name: nodeName },
    timestamp: new Date(now).toISOString(),
    windowSeconds: Math.max(windowMs, 1) / 1000,
    usage: { cpu: cpuQuantity(all.reduce((n, c) => n + c.millicores, 0)), memory: String(all.reduce((n, c) => n + c.bytes, 0)) },
    pods: complete.map((e) => ({
      ...e.pod,
      containers: e.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.millicores), memory: String(c.bytes) } })),
    })),
  };
}
