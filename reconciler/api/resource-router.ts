import { type Request, type Response, Router } from 'express';
import { groupVersionPath } from '../../common/client/api-paths.js';
import { matchesFields } from '../../common/client/field-selector.js';
import { matchesLabels } from '../../common/client/label-selector.js';
import { HttpError } from '../../common/http/http-error.js';
import type { Logger } from '../../common/log/log.js';
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
import { saveEvent } from './events.js';
import { listPage } from './list-page.js';
import { jsonPatch, mergePatch, patchTypeOf } from './merge-patch.js';
import { parseItemOptions, parseListOptions, queryOf } from './request-options.js';
import { buildTable, wantsTable } from './table.js';
import { streamWatch } from './watch-stream.js';

export interface ResourceRouterDeps {
  store: ObjectStore;
  log: Logger;
  /** How often a watch that allows bookmarks gets one while nothing changes. */
  bookmarkMs?: number;
  /** Admission beyond the schema (Pod Security): violations refuse a create or update with 403. */
  admit?: (object: ApiObject) => FieldError[];
}

function invalid(t: ResourceType, name: string, errors: readonly FieldError[]): HttpError {
  return new HttpError(400, 'Invalid', `${t.kind} "${name}" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}

/** How often a delete re-reads an object that changed under it before giving up with 409. */
const DELETE_ATTEMPTS = 5;

export const COMMIT_TO_CREATE = 'create it by committing a manifest to the cluster repository (mkctl apply -f)';
export const COMMIT_TO_CHANGE = 'change its spec by committing to the cluster repository (mkctl apply -f)';
export const COMMIT_TO_DELETE = 'commit the removal to the cluster repository (mkctl delete)';

export function fromGit(t: ResourceType, name: string, action: string): HttpError {
  // Forbidden, not Conflict: a client retries a conflict (kubectl scale does, for minutes), and no retry can make this one pass.
  return new HttpError(403, 'Forbidden', `${t.plural} "${name}" comes from Git: ${action}`, { details: { name, kind: t.plural } });
}

/** Route parameters are single path segments here; express' types also allow repeated (wildcard) ones. */
export const param = (req: Request, name: string): string => String(req.params[name]);

const notFound = (t: ResourceType, name: string) => new HttpError(404, 'NotFound', `${t.plural} "${name}" not found`, { details: { name, kind: t.plural } });

const bodyName = (req: Request): string => String((req.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name ?? '');

function forbidden(t: ResourceType, name: string, errors: readonly FieldError[]): HttpError {
  return new HttpError(403, 'Forbidden', `${t.plural} "${name}" is forbidden: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}

/**
 * The resource API in Kubernetes' shape, the same routes for every kind in `resourceTypes`:
 * list (per namespace and across all, paged, as a Table when asked), watch, get, the status
 * subresource, and writes. A kind whose spec comes from Git takes no spec write but a dry run
 * (`dryRun=All` validates and answers without storing, for `kubectl apply --dry-run=server`).
 */
export function createResourceRouter(deps: ResourceRouterDeps): Router {
  const { store, log } = deps;
  const bookmarkMs = deps.bookmarkMs ?? 60_000;
  const router = Router();

  for (const kind of kinds) {
    const t = resourceType(kind);
    const all = `${groupVersionPath(kind)}/${t.plural}`;
    const collection = t.namespaced ? `${groupVersionPath(kind)}/namespaces/:namespace/${t.plural}` : all;
    const item = `${collection}/:name`;
    const refFrom = (req: Request): ObjectRef => ({ kind, namespace: t.namespaced ? param(req, 'namespace') : undefined, name: param(req, 'name') });
    const hasStatus = 'status' in t.schema.shape;
    const mustGet = async (ref: ObjectRef): Promise<ApiObject> => {
      const object = await store.get(ref);
      if (!object) throw notFound(t, ref.name);
      return object;
    };

    /** Parses a body for this kind, taking the namespace from the path when the body has none. */
    const parseBody = (req: Request, body: unknown, name?: string): ApiObject => {
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
      const violations = deps.admit?.(parsed.object) ?? [];
      if (violations.length > 0) throw forbidden(t, parsed.object.metadata.name, violations);
      return parsed.object;
    };

    const listOrWatch = async (req: Request, res: Response) => {
      const namespace = t.namespaced && req.params.namespace !== undefined ? param(req, 'namespace') : undefined;
      const o = parseListOptions(queryOf(req.originalUrl), kind);
      if (o.watch) {
        const { labels, fields, resourceVersion, timeoutSeconds, allowWatchBookmarks, sendInitialEvents } = o;
        return streamWatch(
          res,
          store,
          {
            kind,
            namespace,
            labels,
            fields,
            resourceVersion,
            timeoutSeconds,
            allowWatchBookmarks,
            sendInitialEvents,
            asTable: wantsTable(req.headers.accept) ? o.includeObject : undefined,
          },
          { bookmarkMs, log },
        );
      }
      const { items, revision } = await store.list(kind, namespace);
      const page = listPage(
        items.filter((i) => matchesLabels(o.labels, i.metadata.labels) && matchesFields(o.fields, i)),
        { ...(o.limit !== undefined && { limit: o.limit }), ...(o.continue !== undefined && { continue: o.continue }) },
      );
      const resourceVersion = String(revision);
      if (wantsTable(req.headers.accept))
        return void res.json(
          buildTable(kind, page.items, { resourceVersion, ...(page.continue && { continue: page.continue }), include: o.includeObject, now: new Date() }),
        );
      res.json({
        apiVersion: t.apiVersion,
        kind: `${kind}List`,
        metadata: { resourceVersion, ...(page.continue && { continue: page.continue, remainingItemCount: page.remaining }) },
        items: page.items,
      });
    };
    router.get(collection, listOrWatch);
    if (t.namespaced) router.get(all, listOrWatch);

    const getOne = async (req: Request, res: Response) => {
      const { includeObject } = parseItemOptions(queryOf(req.originalUrl), 'get');
      const object = await mustGet(refFrom(req));
      if (wantsTable(req.headers.accept)) return void res.json(buildTable(kind, [object], { include: includeObject, now: new Date() }));
      res.json(object);
    };
    router.get(item, getOne);
    if (hasStatus) router.get(`${item}/status`, getOne);

    router.post(collection, async (req, res) => {
      const { dryRun } = parseItemOptions(queryOf(req.originalUrl), 'create');
      if (t.fromGit && !dryRun) throw fromGit(t, bodyName(req), COMMIT_TO_CREATE);
      const object = parseBody(req, req.body);
      if (dryRun) {
        if (await store.get({ kind, namespace: object.metadata.namespace, name: object.metadata.name }))
          throw new HttpError(409, 'AlreadyExists', `${t.plural} "${object.metadata.name}" already exists`);
        return void res.status(201).json(object);
      }
      // Events aggregate repeats and expire, whoever reports them.
      const created = kind === 'Event' ? await saveEvent(store, object as Event) : await store.create(object);
      res.status(201).json(created);
    });

    /** A replacement (PUT or PATCH) of the whole object: validated, then stored unless it is a dry run. */
    const replace = async (req: Request, res: Response, next: unknown, dryRun: boolean) => {
      const ref = refFrom(req);
      const object = parseBody(req, next, ref.name);
      if (dryRun) return void res.json({ ...object, metadata: { ...object.metadata, resourceVersion: (await mustGet(ref)).metadata.resourceVersion } });
      res.json(await store.update(object));
    };

    router.put(item, async (req, res) => {
      const { dryRun } = parseItemOptions(queryOf(req.originalUrl), 'update');
      if (t.fromGit && !dryRun) throw fromGit(t, param(req, 'name'), COMMIT_TO_CHANGE);
      await replace(req, res, req.body, dryRun);
    });

    router.patch(item, async (req, res) => {
      const { dryRun } = parseItemOptions(queryOf(req.originalUrl), 'patch');
      if (t.fromGit && !dryRun) throw fromGit(t, param(req, 'name'), COMMIT_TO_CHANGE);
      const type = patchTypeOf(req.headers['content-type']);
      if (type === 'apply')
        throw new HttpError(415, 'UnsupportedMediaType', 'server-side apply is not supported; use a merge patch, or commit to the cluster repository');
      const current = await mustGet(refFrom(req));
      const patched = type === 'json' ? jsonPatch(current, req.body) : mergePatch(current, req.body);
      // A patch applies to what was read: it may not move the object under a concurrent write.
      const next = { ...(patched as object), metadata: { ...(patched as { metadata?: object }).metadata, resourceVersion: current.metadata.resourceVersion } };
      await replace(req, res, next, dryRun);
    });

    /** Writes the status; a resourceVersion given with it must still be current (409 otherwise). */
    const writeStatus = async (ref: ObjectRef, status: unknown, resourceVersion: unknown) => {
      if (!hasStatus) throw new HttpError(405, 'MethodNotAllowed', `${t.plural} have no status subresource`);
      if (status === undefined) throw invalid(t, ref.name, [{ path: 'status', message: 'is required' }]);
      if (resourceVersion !== undefined && typeof resourceVersion !== 'string')
        throw invalid(t, ref.name, [{ path: 'metadata.resourceVersion', message: 'must be a string' }]);
      try {
        return await store.updateStatus(ref, status, resourceVersion);
      } catch (err) {
        if (isStoreError(err, 'NotFound')) throw notFound(t, ref.name);
        if (isStoreError(err, 'Invalid')) throw new HttpError(400, 'Invalid', `${t.kind} "${ref.name}" is invalid: ${err.message}`);
        throw err;
      }
    };
    router.put(`${item}/status`, async (req, res) => {
      parseItemOptions(queryOf(req.originalUrl), 'update');
      const body = req.body as { status?: unknown; metadata?: { resourceVersion?: unknown } } | undefined;
      res.json(await writeStatus(refFrom(req), body?.status, body?.metadata?.resourceVersion));
    });
    router.patch(`${item}/status`, async (req, res) => {
      parseItemOptions(queryOf(req.originalUrl), 'patch');
      const ref = refFrom(req);
      const current = (await mustGet(ref)) as { status?: unknown };
      const type = patchTypeOf(req.headers['content-type']);
      const patched = (type === 'json' ? jsonPatch(current, req.body) : mergePatch(current, req.body)) as { status?: unknown };
      // A resourceVersion in the patch itself is a precondition, as in Kubernetes.
      res.json(await writeStatus(ref, patched.status, (req.body as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion));
    });

    router.delete(item, async (req, res) => {
      const { dryRun } = parseItemOptions(queryOf(req.originalUrl), 'delete');
      const ref = refFrom(req);
      // The delete is guarded by the version the Git check saw; a concurrent status write (an agent's)
      // only means checking again, as a client that gave no precondition expects.
      for (let attempt = 1; ; attempt++) {
        const current = await mustGet(ref);
        if (t.fromGit && current.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_GIT) throw fromGit(t, ref.name, COMMIT_TO_DELETE);
        if (dryRun) return void res.json(current);
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
