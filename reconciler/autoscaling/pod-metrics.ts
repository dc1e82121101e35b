import { usageValues } from '../../common/printers/usage.js';
import type { NodeMetrics, Pod } from '../../common/schema/index.js';

export type { ResourceName } from '../../common/printers/usage.js';

/** One pod's usage as its node last measured it: CPU in millicores, memory (working set) in bytes. */
export interface PodMetric {
  uid?: string;
  cpu: number;
  memory: number;
  /** When it was measured (ms since the epoch). */
  timestamp: number;
  /** The span the CPU rate was averaged over. */
  windowMs: number;
}

/**
 * Every pod's latest usage from the nodes' reports, keyed `namespace/name`. A report older than
 * `maxAgeMs` is left out (its node stopped measuring): its pods count as having no metrics.
 */
export function podMetricsFrom(reports: readonly NodeMetrics[], now: number, maxAgeMs: number): Map<string, PodMetric> {
  const out = new Map<string, PodMetric>();
  for (const r of reports) {
    const timestamp = Date.parse(r.timestamp);
    if (!(now - timestamp <= maxAgeMs)) continue;
    for (const p of r.pods) {
      const sum = p.containers.map((c) => usageValues(c.usage)).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
      const key = `${p.namespace}/${p.name}`;
      // A pod that moved nodes may be in two reports for a moment: the newer one holds.
      if ((out.get(key)?.timestamp ?? -Infinity) < timestamp)
        out.set(key, { ...sum, ...(p.uid && { uid: p.uid }), timestamp, windowMs: r.windowSeconds * 1000 });
    }
  }
  return out;
}

/** A pod's entry in `podMetricsFrom`'s map; a sample of an earlier pod of the same name does not count. */
export function metricOf(all: ReadonlyMap<string, PodMetric>, pod: Pod): PodMetric | undefined {
  const m = all.get(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
  return m && (m.uid === undefined || m.uid === pod.metadata.uid) ? m : undefined;
}
