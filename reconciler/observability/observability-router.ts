import { Router } from 'express';
import type { Informer } from '../../common/client/informer.js';
import { bearerAuth } from '../../common/http/bearer-auth.js';
import { HttpError } from '../../common/http/http-error.js';
import { metricsHandler } from '../../common/metrics/metrics-handler.js';
import { refKey } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import { gatewayTargetGroups, isNodeRole, NODE_ROLES, nodeTargetGroups, podTargetGroups } from './scrape-targets.js';
import { SD_PATH } from './sd-paths.js';

export interface ObservabilityRouterDeps {
  /** Accepted here: the cluster token and Prometheus' scrape token (which the resource API refuses). */
  tokens: readonly string[];
  pods: Informer<'Pod'>;
  nodes: Informer<'Node'>;
  endpoints: Informer<'Endpoints'>;
}

/**
 * What Prometheus reads from the control plane, each with the scrape token:
 *   GET /metrics                       the control plane's own series
 *   GET /minik8s/v1/sd/nodes?role=R     http_sd targets: every node's agent, R = node-exporter | agent | cadvisor
 *   GET /minik8s/v1/sd/pods             http_sd targets: pods annotated prometheus.io/scrape
 *   GET /minik8s/v1/sd/gateway          http_sd targets: the gateway's metrics port, from its Endpoints
 * Answered from the informers' caches, so Prometheus' frequent refreshes cost no etcd read.
 */
export function observabilityRouter(deps: ObservabilityRouterDeps): Router {
  const router = Router();
  const auth = bearerAuth(deps.tokens);
  router.get('/metrics', auth, metricsHandler());
  router.get(`${SD_PATH}/nodes`, auth, (req, res) => {
    const role = String(req.query.role ?? '');
    if (!isNodeRole(role)) throw new HttpError(400, 'BadRequest', `role must be one of ${Object.keys(NODE_ROLES).join(', ')}, not "${role}"`);
    res.json(nodeTargetGroups(deps.nodes.list(), role));
  });
  router.get(`${SD_PATH}/pods`, auth, (_req, res) => void res.json(podTargetGroups(deps.pods.list(), deps.nodes.list())));
  router.get(
    `${SD_PATH}/gateway`,
    auth,
    (_req, res) =>
      void res.json(gatewayTargetGroups(deps.endpoints.get(refKey({ kind: 'Endpoints', namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name })))),
  );
  return router;
}
