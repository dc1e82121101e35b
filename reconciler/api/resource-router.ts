import { type Request, type Response, Router } from 'express';
import { groupVersionPath } from '../../common/client/api-paths.js';
import { type LabelRequirement, matchesLabels, parseLabelSelector } from '../../common/client/label-selector.js';
import {
  type ApiObject,
  type Event,
  type FieldError,
  kinds,
  LABEL_MANAGED_BY,
  MANAGED_BY_GIT,
  type ObjectRef,
  parseObjectOfKind,
  type ResourceType,
  resourceType,
} from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import type { Logger } from '../../common/log/log.js';
import { saveEvent } from './events.js';
import { HttpError } from '../../common/http/http-error.js';
import { streamWatch } from './watch-stream.js';

export interface ResourceRouterDeps {
  store: ObjectStore;
  log: Logger;
  /** How often an idle watch stream sends an empty line. */
  heartbeatMs?: number;
}

function invalid(t: ResourceType, name: string, errors: readonly FieldError[]): HttpError {
  return new HttpError(400, 'Invalid', `${t.kind} "${name}" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}

/** How often a delete re-reads an object that changed under it before giving up with 409. */
const DELETE_ATTEMPTS = 5;

function fromGit(t: ResourceType, name: string, action: string): HttpError {
  return new HttpError(409, 'Conflict', `${t.plural} "${name}" comes from Git: ${action}`);
}

/** Route parameters are single path segments here; express' types also allow repeated (wildcard) ones. */
const param = (req: Request, name: string): string => String(req.params[name]);

function selectorOf(req: Request): LabelRequirement[] {
  try {
    return parseLabelSelector(typeof req.query.labelSelector === 'string' ? req.query.labelSelector : '');
  } catch (err) {
    throw new HttpError(400, 'BadRequest', (err as Error).message);
  }
}

const notFound = (t: ResourceType, name: string) => new HttpError(404, 'NotFound', `${t.plural} "${name}" not found`);

/**
 * The resource API in Kubernetes' shape, the same routes for every kind in `resourceTypes`:
 * list (per namespace and across all), watch, get, the status subresource, and create/update/delete
 * for the kinds whose spec does not come from Git.
 */
export function createResourceRouter(deps: ResourceRouterDeps): Router {
  const { store, log } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const router = Router();

  for (const kind of kinds) {
    const t = resourceType(kind);
    const all = `${groupVersionPath(kind)}/${t.plural}`;
    const collection = t.namespaced ? `${groupVersionPath(kind)}/namespaces/:namespace/${t.plural}` : all;
    const item = `${collection}/:name`;
    const refFrom = (req: Request): ObjectRef => ({ kind, namespace: t.namespaced ? param(req, 'namespace') : undefined, name: param(req, 'name') });
    const hasStatus = 'status' in t.schema.shape;

    /** Parses a body for this kind, taking the namespace from the path when the body has none. */
    const parseBody = (req: Request, name?: string): ApiObject => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'request body must be a JSON object');
      const raw = body as { metadata?: { name?: unknown; namespace?: unknown } };
      const metadata = { ...raw.metadata };
      if (t.namespaced) {
        const namespace = param(req, 'namespace');
        metadata.namespace ??= namespace;
        if (metadata.namespace !== namespace)
          throw new HttpError(400, 'BadRequest', `metadata.namespace "${String(metadata.namespace)}" does not match the namespace in the path "${namespace}"`);
      }
      if (name !== undefined && metadata.name !== name)
        throw new HttpError(400, 'BadRequest', `metadata.name "${String(metadata.name)}" does not match the name in the path "${name}"`);
      const parsed = parseObjectOfKind(kind, { ...raw, metadata });
      if (!parsed.ok) throw invalid(t, String(metadata.name ?? ''), parsed.errors);
      return parsed.object;
    };

    const listOrWatch = async (req: Request, res: Response) => {
      const namespace = t.namespaced && req.params.namespace !== undefined ? param(req, 'namespace') : undefined;
      const selector = selectorOf(req);
      if (req.query.watch === 'true' || req.query.watch === '1') {
        const resourceVersion = typeof req.query.resourceVersion === 'string' && req.query.resourceVersion ? req.query.resourceVersion : undefined;
        return streamWatch(res, store, { kind, namespace, selector, resourceVersion }, { heartbeatMs, log });
      }
      const { items, revision } = await store.list(kind, namespace);
      res.json({
        apiVersion: t.apiVersion,
        kind: `${kind}List`,
        metadata: { resourceVersion: String(revision) },
        items: items.filter((o) => matchesLabels(selector, o.metadata.labels)),
      });
    };
    router.get(collection, listOrWatch);
    if (t.namespaced) router.get(all, listOrWatch);

    router.get(item, async (req, res) => {
      const ref = refFrom(req);
      const object = await store.get(ref);
      if (!object) throw notFound(t, ref.name);
      res.json(object);
    });

    router.post(collection, async (req, res) => {
      if (t.fromGit) throw fromGit(t, String((req.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name ?? ''), 'create it by committing a manifest to the cluster repository (mkctl apply -f)');
      const object = parseBody(req);
      // Events aggregate repeats and expire, whoever reports them.
      const created = kind === 'Event' ? await saveEvent(store, object as Event) : await store.create(object);
      res.status(201).json(created);
    });

    router.put(item, async (req, res) => {
      const ref = refFrom(req);
      if (t.fromGit) throw fromGit(t, ref.name, 'change its spec by committing to the cluster repository (mkctl apply -f)');
      res.json(await store.update(parseBody(req, ref.name)));
    });

    router.put(`${item}/status`, async (req, res) => {
      const ref = refFrom(req);
      if (!hasStatus) throw new HttpError(405, 'MethodNotAllowed', `${t.plural} have no status subresource`);
      const status = (req.body as { status?: unknown } | undefined)?.status;
      if (status === undefined) throw invalid(t, ref.name, [{ path: 'status', message: 'is required' }]);
      try {
        res.json(await store.updateStatus(ref, status));
      } catch (err) {
        if (isStoreError(err, 'NotFound')) throw notFound(t, ref.name);
        if (isStoreError(err, 'Invalid')) throw new HttpError(400, 'Invalid', `${t.kind} "${ref.name}" is invalid: ${err.message}`);
        throw err;
      }
    });

    router.delete(item, async (req, res) => {
      const ref = refFrom(req);
      // The delete is guarded by the version the Git check saw; a concurrent status write (an agent's)
      // only means checking again, as a client that gave no precondition expects.
      for (let attempt = 1; ; attempt++) {
        const current = await store.get(ref);
        if (!current) throw notFound(t, ref.name);
        if (t.fromGit && current.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_GIT)
          throw fromGit(t, ref.name, 'commit the removal to the cluster repository (mkctl delete)');
        try {
          await store.delete(ref, current.metadata.resourceVersion);
          res.json(current);
          return;
        } catch (err) {
          if (!isStoreError(err, 'Conflict') || attempt >= DELETE_ATTEMPTS) throw err;
        }
      }
    });
  }
  return router;
}
