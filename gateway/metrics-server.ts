import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { bearerAuth } from '../common/http/bearer-auth.js';
import { errorHandler, notFoundHandler } from '../common/http/error-handler.js';
import type { Logger } from '../common/log/log.js';
import { collectProcessMetrics, metricsHandler } from '../common/metrics/metrics-handler.js';

/** Where the gateway serves its `/metrics` unless told otherwise (ingress-nginx's metrics port). */
export const GATEWAY_METRICS_PORT = 10254;

/**
 * The gateway's `GET /metrics` (its per-function calls, errors, cold starts and durations, and the process'
 * own series) on a port of its own, apart from the user traffic it routes, for Prometheus' scrape token only.
 */
export async function startMetricsServer(opts: { address: string; port: number; token: string; log: Logger }): Promise<{ port: number; server: Server }> {
  collectProcessMetrics();
  const app = express();
  app.get('/metrics', bearerAuth([opts.token]), metricsHandler());
  app.use(notFoundHandler, errorHandler(opts.log));
  const server = app.listen(opts.port, opts.address);
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}
