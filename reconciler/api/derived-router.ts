import { type Request, type Response, Router } from 'express';
import { matchesFields } from '../../common/client/field-selector.js';
import { matchesLabels } from '../../common/client/label-selector.js';
import { HttpError } from '../../common/http/http-error.js';
import { type ApiObject, resourceType } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { NODE_LEASE_NAMESPACE, nodeLease, nodeMetricsView, podMetricsViews, scaleOf } from './derived-views.js';
import { parseItemOptions, parseListOptions, queryOf } from './request-options.js';
import { COMMIT_TO_CHANGE, fromGit, param } from './resource-router.js';

export interface DerivedRouterDeps {
  store: ObjectStore;
  /** How long a node may go without a heartbeat before it is NotReady: a lease's duration. */
  leaseDurationSeconds: number;
}

type View = { metadata: { name: string; namespace?: string | undefined; labels?: Record<string, string> } };

/** A list of views, filtered by the request's selectors (metadata fields only: views have no others). */
function listOf(req: Request, kind: string, apiVersion: string, items: View[]) {
  const o = parseListOptions(queryOf(req.originalUrl), undefined);
  if (o.watch) throw new HttpError(405, 'MethodNotAllowed', `${kind} cannot be watched`);
  return {
    kind: `${kind}List`,
    apiVersion,
    metadata: {},
    items: items.filter((i) => matchesLabels(o.labels, i.metadata.labels) && matchesFields(o.fields, i as ApiObject)),
  };
}

const found = <T extends View>(items: T[], name: string, what: string): T => {
  const item = items.find((i) => i.metadata.name === name);
  if (!item) throw new HttpError(404, 'NotFound', `${what} "${name}" not found`);
  return item;
};

/**
 * Read-only resources built from others, for the clients that expect them: `metrics.k8s.io` from the
 * agents' NodeMetrics (kubectl top), node Leases from their heartbeats (describe node), and the `scale`
 * subresource (whose writes are refused: replicas come from Git).
 */
export function createDerivedRouter(deps: DerivedRouterDeps): Router {
  const { store } = deps;
  const router = Router();
  const reports = async () => (await store.list('NodeMetrics')).items;
  const podLabels = async (namespace?: string) =>
    new Map((await store.list('Pod', namespace)).items.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.labels ?? {}]));

  const M = '/apis/metrics.k8s.io/v1beta1';
  router.get(`${M}/nodes`, async (req, res) => void res.json(listOf(req, 'NodeMetrics', 'metrics.k8s.io/v1beta1', (await reports()).map(nodeMetricsView))));
  router.get(`${M}/nodes/:name`, async (req, res) => void res.json(found((await reports()).map(nodeMetricsView), param(req, 'name'), 'nodemetrics')));
  const podMetrics = async (req: Request, res: Response) => {
    const namespace = req.params.namespace === undefined ? undefined : param(req, 'namespace');
    const labels = await podLabels(namespace);
    // Pod metrics carry their pod's labels, so `kubectl top pod -l app=web` selects as get does.
    const views = podMetricsViews(await reports())
      .filter((m) => namespace === undefined || m.metadata.namespace === namespace)
      .map((m) => ({ ...m, metadata: { ...m.metadata, labels: labels.get(`${m.metadata.namespace}/${m.metadata.name}`) ?? {} } }));
    if (req.params.name !== undefined) return void res.json(found(views, param(req, 'name'), 'podmetrics'));
    res.json(listOf(req, 'PodMetrics', 'metrics.k8s.io/v1beta1', views));
  };
  router.get(`${M}/pods`, podMetrics);
  router.get(`${M}/namespaces/:namespace/pods`, podMetrics);
  router.get(`${M}/namespaces/:namespace/pods/:name`, podMetrics);

  const C = '/apis/coordination.k8s.io/v1';
  const leases = async (req: Request) => {
    const namespace = req.params.namespace === undefined ? NODE_LEASE_NAMESPACE : param(req, 'namespace');
    return namespace === NODE_LEASE_NAMESPACE ? (await store.list('Node')).items.map((n) => nodeLease(n, deps.leaseDurationSeconds)) : [];
  };
  router.get(`${C}/leases`, async (req, res) => void res.json(listOf(req, 'Lease', 'coordination.k8s.io/v1', await leases(req))));
  router.get(`${C}/namespaces/:namespace/leases`, async (req, res) => void res.json(listOf(req, 'Lease', 'coordination.k8s.io/v1', await leases(req))));
  router.get(
    `${C}/namespaces/:namespace/leases/:name`,
    async (req, res) => void res.json(found(await leases(req), param(req, 'name'), 'leases.coordination.k8s.io')),
  );

  for (const kind of ['Deployment', 'ReplicaSet'] as const) {
    const t = resourceType(kind);
    const path = `/apis/apps/v1/namespaces/:namespace/${t.plural}/:name/scale`;
    router.get(path, async (req, res) => {
      parseItemOptions(queryOf(req.originalUrl), 'get');
      const o = await store.get({ kind, namespace: param(req, 'namespace'), name: param(req, 'name') });
      if (!o) throw new HttpError(404, 'NotFound', `${t.plural} "${param(req, 'name')}" not found`);
      res.json(scaleOf(o));
    });
    const refuse = (req: Request) => {
      throw fromGit(t, param(req, 'name'), `${COMMIT_TO_CHANGE}; an HorizontalPodAutoscaler may scale it`);
    };
    router.put(path, refuse);
    router.patch(path, refuse);
  }
  return router;
}
