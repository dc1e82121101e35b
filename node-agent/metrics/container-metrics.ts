import { Counter, Gauge, Registry } from 'prom-client';
import type { ContainerSample } from './container-sample.js';

/** One series: its labels and its value. */
export interface Series {
  labels: Record<string, string>;
  value: number;
}

/** The container series, in cAdvisor's names (as the kubelet's /metrics/cadvisor serves them). */
export interface ContainerSeries {
  cpuSeconds: Series[];
  workingSetBytes: Series[];
  restarts: Series[];
  /** Per pod and interface (containers of a pod share its network namespace, so one series per pod). */
  receiveBytes: Series[];
  transmitBytes: Series[];
}

/** The series a round of samples gives: pure, for the scrape handler and its unit test. */
export function containerSeries(samples: readonly ContainerSample[]): ContainerSeries {
  const out: ContainerSeries = { cpuSeconds: [], workingSetBytes: [], restarts: [], receiveBytes: [], transmitBytes: [] };
  const podsWithNetwork = new Set<string>();
  for (const s of samples) {
    const labels = { namespace: s.namespace, pod: s.pod, container: s.container };
    out.cpuSeconds.push({ labels, value: s.cpuNs / 1e9 });
    out.workingSetBytes.push({ labels, value: s.workingSetBytes });
    out.restarts.push({ labels, value: s.restartCount ?? 0 });
    if (!s.network || podsWithNetwork.has(s.podUid)) continue;
    podsWithNetwork.add(s.podUid);
    for (const n of s.network) {
      const podLabels = { namespace: s.namespace, pod: s.pod, interface: n.interface };
      out.receiveBytes.push({ labels: podLabels, value: n.rxBytes });
      out.transmitBytes.push({ labels: podLabels, value: n.txBytes });
    }
  }
  return out;
}

/**
 * The Prometheus text of a round of samples — the agent's latest round, the one it takes for NodeMetrics
 * every 5 s, so a scrape costs no Docker call. A registry of its own per scrape: series of containers
 * gone since the last one disappear with it.
 */
export async function containerMetricsText(samples: readonly ContainerSample[]): Promise<{ contentType: string; text: string }> {
  const registry = new Registry();
  const series = containerSeries(samples);
  const container = ['namespace', 'pod', 'container'];
  const net = ['namespace', 'pod', 'interface'];
  const counter = (name: string, help: string, labelNames: string[], values: Series[]) => {
    const c = new Counter({ name, help, labelNames, registers: [registry] });
    for (const s of values) c.inc(s.labels, s.value);
  };
  const gauge = (name: string, help: string, labelNames: string[], values: Series[]) => {
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
    for (const s of values) g.set(s.labels, s.value);
  };
  counter('container_cpu_usage_seconds_total', 'CPU time the container used, in seconds.', container, series.cpuSeconds);
  gauge('container_memory_working_set_bytes', 'Memory in use less inactive file cache.', container, series.workingSetBytes);
  counter('container_restarts_total', "Times the pod's container was restarted.", container, series.restarts);
  counter('container_network_receive_bytes_total', 'Bytes the pod received, per interface.', net, series.receiveBytes);
  counter('container_network_transmit_bytes_total', 'Bytes the pod sent, per interface.', net, series.transmitBytes);
  return { contentType: registry.contentType, text: await registry.metrics() };
}
