import { Router } from 'express';
import { bearerAuth } from '../../common/http/bearer-auth.js';
import { HttpError } from '../../common/http/http-error.js';
import { proxyGet } from '../../common/http/proxy-get.js';
import { metricsHandler } from '../../common/metrics/metrics-handler.js';
import { containerMetricsText } from '../metrics/container-metrics.js';
import type { ContainerSample } from '../metrics/container-sample.js';
import type { PodRuntime } from '../runtime/pod-runtime.js';

export interface MetricsRoutesOptions {
  /** Accepted on these routes only: the agent's own tokens plus Prometheus' scrape token. */
  tokens: readonly string[];
  /** The agent's latest round of container samples. */
  latestSamples: () => readonly ContainerSample[];
  /** The node exporter, listening on the node's loopback only (default http://127.0.0.1:9100/metrics). */
  nodeExporterUrl?: string;
  runtime: Pick<PodRuntime, 'listPods'>;
}

/**
 * What Prometheus scrapes on a node, all behind one port and one credential (as the kubelet serves
 * /metrics and /metrics/cadvisor):
 *   GET /metrics                the agent process' own series (work queues, Node.js runtime)
 *   GET /metrics/cadvisor       per-container CPU, memory, network, restarts in cAdvisor's names
 *   GET /metrics/node-exporter  the node exporter's answer, forwarded
 *   GET /metrics/pods/:namespace/:pod?port=N&path=/metrics
 *                               a pod's own metrics endpoint, forwarded (only pods running on this node)
 */
export function metricsRoutes(opts: MetricsRoutesOptions): Router {
  const router = Router();
  const nodeExporter = new URL(opts.nodeExporterUrl ?? 'http://127.0.0.1:9100/metrics');
  router.use('/metrics', bearerAuth(opts.tokens));
  router.get('/metrics', metricsHandler());
  router.get('/metrics/cadvisor', async (_req, res) => {
    const { contentType, text } = await containerMetricsText(opts.latestSamples());
    res.type(contentType).send(text);
  });
  router.get('/metrics/node-exporter', (_req, res) => proxyGet(nodeExporter, res));
  router.get('/metrics/pods/:namespace/:pod', async (req, res) => {
    const port = Number(req.query.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new HttpError(400, 'BadRequest', `port must be a port number, not "${String(req.query.port ?? '')}"`);
    const path = typeof req.query.path === 'string' && req.query.path ? req.query.path : '/metrics';
    if (!path.startsWith('/')) throw new HttpError(400, 'BadRequest', `path must start with "/", not "${path}"`);
    const { namespace, pod } = req.params;
    const running = (await opts.runtime.listPods()).find((p) => p.namespace === namespace && p.name === pod && p.sandbox?.running && p.sandbox.ip);
    if (!running) throw new HttpError(404, 'NotFound', `pod "${pod}" in namespace "${namespace}" is not running on this node`);
    await proxyGet(new URL(`http://${running.sandbox!.ip}:${port}${path}`), res);
  });
  return router;
}
