import type { Informer } from '../../common/client/informer.js';
import type { Logger } from '../../common/log/log.js';
import { gauge } from '../../common/metrics/registry.js';
import { refKey, refOf } from '../../common/schema/index.js';

const lagGauge = gauge({
  name: 'minik8s_function_kafka_lag',
  help: "Calls waiting on a function's Kafka topic: messages its consumer group (the gateway's) has not committed yet, all partitions.",
  labelNames: ['namespace', 'function'],
});

/** One partition's offsets: the topic's end (`high`), its start (`low`) and the group's committed offset (-1: none). */
export interface PartitionOffsets {
  partition: number;
  high: string;
  low: string;
  committed: string;
}

/** Messages not yet committed by the group, over all partitions; a partition it never committed counts from the start. */
export function consumerLag(partitions: readonly PartitionOffsets[]): number {
  return partitions.reduce((sum, p) => {
    const committed = Number(p.committed) < 0 ? Number(p.low) : Number(p.committed);
    return sum + Math.max(0, Number(p.high) - committed);
  }, 0);
}

/** Where the offsets come from (Kafka's admin API). */
export interface LagSource {
  offsets(namespace: string, name: string): Promise<PartitionOffsets[]>;
}

/** How often the lag is read: often enough to follow a backlog, rarely enough to cost Kafka nothing. */
const LAG_PERIOD_MS = 5000;

/** A function's asynchronous backlog as the autoscaler reads it. */
export interface FunctionBacklog {
  /** Calls on the function's topic its group has not committed, at the latest reading (0 without one). */
  lagOf(namespace: string, name: string): number;
  /** Called with the function's work-queue key whenever a reading finds calls waiting. */
  onBacklog(listener: (key: string) => void): void;
}

/**
 * Keeps `minik8s_function_kafka_lag` current for every function, on the control plane's `/metrics`, and is the
 * autoscaler's backlog source: asynchronous calls waiting in Kafka count as demand, as KEDA's Kafka scaler has it.
 */
export class FunctionLagMonitor implements FunctionBacklog {
  #timer: NodeJS.Timeout | undefined;
  /** The latest reading per function, by work-queue key, with the gauge's labels. */
  readonly #latest = new Map<string, { labels: { namespace: string; function: string }; lag: number }>();
  readonly #listeners: ((key: string) => void)[] = [];
  #running: Promise<void> = Promise.resolve();

  constructor(readonly deps: { functions: Informer<'Function'>; source: LagSource; log: Logger }) {}

  lagOf(namespace: string, name: string): number {
    return this.#latest.get(refKey({ kind: 'Function', namespace, name }))?.lag ?? 0;
  }

  onBacklog(listener: (key: string) => void): void {
    this.#listeners.push(listener);
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(() => this.sample());
    }, LAG_PERIOD_MS);
    this.#timer.unref();
  }

  /** Reads every function's lag once (a function whose topic cannot be read keeps its last figure). */
  async sample(): Promise<void> {
    const keys = new Set<string>();
    for (const fn of this.deps.functions.list()) {
      const labels = { namespace: fn.metadata.namespace ?? 'default', function: fn.metadata.name };
      const key = refKey(refOf(fn));
      keys.add(key);
      try {
        const lag = consumerLag(await this.deps.source.offsets(labels.namespace, labels.function));
        lagGauge.set(labels, lag);
        this.#latest.set(key, { labels, lag });
        if (lag > 0) for (const l of this.#listeners) l(key);
      } catch (err) {
        this.deps.log.debug({ function: `${labels.namespace}/${labels.function}`, err: (err as Error).message }, 'no lag reading');
      }
    }
    for (const [key, { labels }] of this.#latest)
      if (!keys.has(key)) {
        lagGauge.remove(labels);
        this.#latest.delete(key);
      }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
