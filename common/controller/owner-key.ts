import { type ApiObject, type Kind, type OwnerReference, refKey } from '../schema/index.js';

/** The owner reference that says which controller manages an object, if any. */
export function controllerRef(o: ApiObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The work-queue key of `o`'s controller when it is of `kind`: what an owner's controller enqueues when a dependent changes. */
export function controllerKey(o: ApiObject, kind: Kind): string | undefined {
  const ref = controllerRef(o);
  return ref?.kind === kind ? refKey({ kind, namespace: o.metadata.namespace, name: ref.name }) : undefined;
}
