import { randomUUID } from 'node:crypto';
import type { ApiObject } from '../../common/schema/index.js';
import type { Change, ObjectStore } from '../store/object-store.js';
import type { SyncPlan } from './plan.js';

/**
 * The writes a plan needs, each guarded: a create must find no object and an update or delete the
 * revision it was planned against, so a concurrent writer fails the batch and the sync re-plans.
 */
export function planChanges(plan: SyncPlan, now = new Date().toISOString(), newUid: () => string = randomUUID): Change[] {
  const changes: Change[] = [];
  for (const c of plan.changes) {
    if (c.action === 'created' && c.object) {
      const object = { ...c.object, metadata: { ...c.object.metadata, uid: newUid(), creationTimestamp: now, generation: 1 } } as ApiObject;
      changes.push({ type: 'put', object, resourceVersion: '0' });
    } else if (c.action === 'configured' && c.object) {
      changes.push({ type: 'put', object: c.object, ...(c.current?.metadata.resourceVersion && { resourceVersion: c.current.metadata.resourceVersion }) });
    } else if (c.action === 'deleted') {
      changes.push({ type: 'delete', ref: c.ref, ...(c.current?.metadata.resourceVersion && { resourceVersion: c.current.metadata.resourceVersion }) });
    }
  }
  return changes;
}

/** Applies a plan in etcd transactions (chunked by the store); returns the number of writes. */
export async function applyPlan(store: ObjectStore, plan: SyncPlan): Promise<number> {
  const changes = planChanges(plan);
  if (changes.length > 0) await store.commit(changes);
  return changes.length;
}
