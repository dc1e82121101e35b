import { controllerRef } from '../../common/controller/owner-key.js';
import type { ApiObject, OwnerReference } from '../../common/schema/index.js';

/** The reference a controller puts on what it creates (a ReplicaSet on its pods, a Deployment on its ReplicaSets). */
export function ownerReferenceTo(owner: ApiObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true };
}

/** Whether `o`'s controller is an object of `kind` named `name` (whichever incarnation of it). */
export function isClaimedBy(o: ApiObject, kind: string, name: string): boolean {
  const ref = controllerRef(o);
  return ref?.kind === kind && ref.name === name;
}

/**
 * Splits the objects claimed by `kind`/`name` into those `owner` really controls (same uid) and
 * orphans: their owner is gone (undefined) or was deleted and made again under the same name.
 */
export function claimedObjects<T extends ApiObject>(
  objects: readonly T[],
  kind: string,
  name: string,
  owner: ApiObject | undefined,
): { owned: T[]; orphans: T[] } {
  const claimed = objects.filter((o) => isClaimedBy(o, kind, name));
  const uid = owner?.metadata.uid;
  return {
    owned: claimed.filter((o) => uid !== undefined && controllerRef(o)!.uid === uid),
    orphans: claimed.filter((o) => uid === undefined || controllerRef(o)!.uid !== uid),
  };
}
