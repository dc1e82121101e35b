import { setTimeout as delay } from 'node:timers/promises';
import { type ApiClient, isApiError } from '../../common/client/api-client.js';
import type { Logger } from '../../common/log/log.js';
import type { NodeMetrics } from '../../common/schema/index.js';
import type { ContainerSample, StatsSource } from './container-sample.js';
import { nodeMetricsFrom } from './node-metrics.js';

export interface MetricsReporterDeps {
  api: ApiClient;
  nodeName: string;
  source: StatsSource;
  log: Logger;
  /** How often the pods are sampled and the report written (5 s). */
  intervalMs?: number;
  /** Handed every round as soon as it is taken (the agent's /metrics/cadvisor serves the latest one). */
  onSamples?: (samples: readonly ContainerSample[]) => void;
}

/** Replaces the node's report, creating it the first time: one write per interval, whatever the number of pods. */
export async function writeNodeMetrics(api: ApiClient, report: NodeMetrics): Promise<void> {
  try {
    await api.update(report);
  } catch (err) {
    if (!isApiError(err) || err.status !== 404) throw err;
    await api.create(report);
  }
}

/**
 * Samples the node's containers every interval and writes the node's NodeMetrics (the first report has
 * no pods: it only primes the CPU counters). A failed round is logged and the next one tries again.
 */
export function startMetricsReporter(deps: MetricsReporterDeps): { stop(): Promise<void> } {
  const interval = deps.intervalMs ?? 5000;
  const abort = new AbortController();
  const run = async () => {
    let previous = new Map<string, ContainerSample>();
    let failing = false;
    while (!abort.signal.aborted) {
      try {
        const samples = await deps.source.sample();
        deps.onSamples?.(samples);
        await writeNodeMetrics(deps.api, nodeMetricsFrom(deps.nodeName, previous, samples, Date.now()));
        previous = new Map(samples.map((s) => [s.id, s]));
        if (failing) deps.log.info('metrics reported again');
        failing = false;
      } catch (err) {
        // Said once per outage, not every interval.
        if (!failing) deps.log.warn({ err: (err as Error).message }, 'could not report pod metrics; retrying');
        failing = true;
      }
      await delay(interval, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  };
  const done = run();
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}
