import type { RequestHandler } from 'express';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { processRegistry } from './registry.js';

let defaultsCollected = false;

/** The process' CPU, memory, event-loop lag and GC (`process_*`, `nodejs_*`), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: processRegistry });
}

/** `GET /metrics` in Prometheus' text format for the given registries (default: the process'). */
export function metricsHandler(registries: readonly Registry[] = [processRegistry]): RequestHandler {
  return (_req, res, next) => {
    const texts = Promise.all(registries.map((r) => r.metrics()));
    texts.then((parts) => void res.type(registries[0]!.contentType).send(parts.join('\n')), next);
  };
}
