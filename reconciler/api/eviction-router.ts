import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { groupVersionPath } from '../../common/client/api-paths.js';
import { HttpError } from '../../common/http/http-error.js';
import type { Pod } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { isManagedByGit } from '../sync/plan.js';
import { recordEvent } from './events.js';

/**
 * Moves a pod off its node. A controller's pod is deleted (its owner makes a new one elsewhere). A pod
 * from Git cannot be deleted without a commit, so it is re-created unbound under a new UID: its old
 * node's agent stops the old instance and the scheduler places the new one.
 */
export async function evictPod(store: ObjectStore, ref: { namespace: string; name: string }): Promise<'deleted' | 'rescheduled'> {
  const pod = await store.mustGet({ kind: 'Pod', ...ref });
  if (!isManagedByGit(pod)) {
    await store.delete({ kind: 'Pod', ...ref }, pod.metadata.resourceVersion);
    await recordEvent(store, pod, 'Normal', 'Evicted', `Evicted from node ${pod.spec.nodeName ?? '(none)'}`, { component: 'eviction' });
    return 'deleted';
  }
  const { nodeName: _n, ...spec } = pod.spec;
  const { resourceVersion, ...metadata } = pod.metadata;
  const fresh: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString(), generation: 1 },
    spec,
  };
  // One guarded put over the old object: there is never a moment when Git's object is missing.
  await store.commit([{ type: 'put', object: fresh, ...(resourceVersion && { resourceVersion }) }]);
  await recordEvent(store, pod, 'Normal', 'Evicted', `Evicted from node ${pod.spec.nodeName ?? '(none)'}; rescheduling`, { component: 'eviction' });
  return 'rescheduled';
}

/** `POST /api/v1/namespaces/{ns}/pods/{name}/eviction`, as `mkctl drain` uses it. */
export function evictionRouter(store: ObjectStore): Router {
  const router = Router();
  router.post(`${groupVersionPath('Pod')}/namespaces/:namespace/pods/:name/eviction`, express.json(), async (req, res) => {
    const ref = { namespace: String(req.params.namespace), name: String(req.params.name) };
    if (!(await store.get({ kind: 'Pod', ...ref }))) throw new HttpError(404, 'NotFound', `pods "${ref.name}" not found`);
    const outcome = await evictPod(store, ref);
    res
      .status(201)
      .json({ kind: 'Status', apiVersion: 'v1', status: 'Success', message: `pod/${ref.name} ${outcome === 'deleted' ? 'evicted' : 'evicted; rescheduling'}` });
  });
  return router;
}
