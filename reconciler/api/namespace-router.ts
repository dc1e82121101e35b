import { Router } from 'express';
import { HttpError } from '../../common/http/http-error.js';
import { LABEL_MANAGED_BY, MANAGED_BY_GIT, resourceType } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { isBuiltInNamespace, terminatingNamespace } from '../sync/namespace-lifecycle.js';
import { parseItemOptions, queryOf } from './request-options.js';
import { COMMIT_TO_DELETE, fromGit, param } from './resource-router.js';

/**
 * DELETE of a Namespace as Kubernetes does it: the Namespace is marked Terminating and answered as such;
 * the namespace controller then deletes what it holds, and the Namespace last. The built-in namespaces
 * may not be deleted, and one Git declares is deleted by committing its removal.
 */
export function createNamespaceRouter(store: ObjectStore): Router {
  const router = Router();
  const t = resourceType('Namespace');
  router.delete('/api/v1/namespaces/:name', async (req, res) => {
    const { dryRun } = parseItemOptions(queryOf(req.originalUrl), 'delete');
    const name = param(req, 'name');
    const current = await store.get({ kind: 'Namespace', name });
    if (!current) throw new HttpError(404, 'NotFound', `namespaces "${name}" not found`, { details: { name, kind: t.plural } });
    if (isBuiltInNamespace(name)) throw new HttpError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    if (current.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_GIT) throw fromGit(t, name, COMMIT_TO_DELETE);
    const terminating = terminatingNamespace(current, new Date().toISOString());
    res.json(dryRun || current.metadata.deletionTimestamp ? terminating : await store.update(terminating));
  });
  return router;
}
