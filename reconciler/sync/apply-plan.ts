import { randomUUID } from 'node:crypto';
import type { ApiObject } from '../../common/schema/index.js';
import type { Change, ObjectStore } from '../store/object-store.js';
import { terminatingNamespace } from './namespace-lifecycle.js';
import type { SyncPlan } from './plan.js';

/**
 * The writes a plan needs, each guarded: a create must find no object and an update or delete the
 * revision it was planned against, so a concurrent writer fails the batch and the sync re-plans.
 * A Namespace pruned from Git is not deleted here but marked Terminating: the namespace controller
 * deletes what it holds, then the Namespace.
 */
export function planChanges(plan: SyncPlan, now = new Date().toISOString(), newUid: () => string = randomUUID): Change[] {
  const changes: Change[] = [];
  const create = (o: ApiObject) =>
    changes.push({
      type: 'put',
      object: { ...o, metadata: { ...o.metadata, uid: newUid(), creationTimestamp: now, generation: 1 } } as ApiObject,
      resourceVersion: '0',
    });
  for (const ns of plan.provisioned) create(ns);
  for (const c of plan.changes) {
    const resourceVersion = c.current?.metadata.resourceVersion;
    if (c.action === 'created' && c.object) create(c.object.kind === 'Namespace' ? { ...c.object, status: { phase: 'Active' } } : c.object);
    else if (c.action === 'deleted' && c.current?.kind === 'Namespace')
      changes.push({ type: 'put', object: terminatingNamespace(c.current, now), ...(resourceVersion && { resourceVersion }) });
    else if (c.action === 'configured' && c.object) changes.push({ type: 'put', object: c.object, ...(resourceVersion && { resourceVersion }) });
    else if (c.action === 'deleted') changes.push({ type: 'delete', ref: c.ref, ...(resourceVersion && { resourceVersion }) });
  }
  return changes;
}

/** Applies a plan in etcd transactions (chunked by the store); returns the number of writes. */
export async function applyPlan(store: ObjectStore, plan: SyncPlan): Promise<number> {
  const changes = planChanges(plan);
  if (changes.length > 0) await store.commit(changes);
  return changes.length;
}
