import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's metrics, served on its `/metrics`. One per process on purpose: a metric is defined where
 * it is measured (the work queue, the API, the etcd store) without threading a registry through every
 * constructor; several control planes in one test process then add to the same series, which is harmless.
 * A component with per-instance series (the node agent's container metrics) builds a `Registry` of its own.
 */
export const processRegistry = new Registry();

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  /** Upper bounds in seconds (default: `latencyBuckets`). */
  buckets?: number[];
}

/** Seconds, from 5 ms (a cached read) to 30 s (a slow sync): the buckets every latency here uses unless it says otherwise. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Get-or-create: a module that defines a metric may be loaded, or its class instantiated, more than once
 * (tests start several control planes); the second definition gets the first one's series.
 */
function defineOnce<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<L extends string>(spec: MetricSpec<L>, registry = processRegistry): Counter<L> {
  return defineOnce(registry, spec.name, () => new Counter({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] }));
}

export function gauge<L extends string>(spec: MetricSpec<L>, registry = processRegistry): Gauge<L> {
  return defineOnce(registry, spec.name, () => new Gauge({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] }));
}

export function histogram<L extends string>(spec: HistogramSpec<L>, registry = processRegistry): Histogram<L> {
  return defineOnce(
    registry,
    spec.name,
    () =>
      new Histogram({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], buckets: spec.buckets ?? latencyBuckets, registers: [registry] }),
  );
}

/** Seconds since `start` (from `process.hrtime.bigint()`), for histograms. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
