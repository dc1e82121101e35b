import { Router } from 'express';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import { proxyGet } from '../../common/http/proxy-get.js';

/** Where the console (and any client with the cluster's credential) reaches Prometheus' HTTP API. */
export const PROMETHEUS_PROXY_PATH = `${MINIK8S_API}/prometheus`;

/**
 * Prometheus' read API (`/api/v1/query`, `query_range`, `targets`, `series`, `labels`, ...) forwarded,
 * GET only, behind the API's authentication: Prometheus itself listens on loopback without a credential.
 */
export function prometheusProxy(prometheusUrl: string): Router {
  const router = Router();
  const base = new URL(prometheusUrl);
  router.get(`${PROMETHEUS_PROXY_PATH}/api/v1/*rest`, (req, res) => {
    const target = new URL(req.originalUrl.slice(req.originalUrl.indexOf('/api/v1/')), base);
    return proxyGet(target, res, { timeoutMs: 30_000 });
  });
  return router;
}
