import type { ApiObject, Kind } from './resource-types.js';
import { resourceTypes } from './resource-types.js';

/** Identifies one object: the unit that work queues and diffs deal in. */
export interface ObjectRef {
  kind: Kind;
  namespace?: string | undefined;
  name: string;
}

export function refOf(o: ApiObject): ObjectRef {
  return { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/** `Pod/default/web` or `Node/node-1`: stable, readable, and usable as a map key. */
export function refKey(ref: ObjectRef): string {
  return resourceTypes[ref.kind].namespaced ? `${ref.kind}/${ref.namespace ?? 'default'}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function parseRefKey(key: string): ObjectRef {
  const [kind, a, b] = key.split('/') as [Kind, string, string | undefined];
  return b === undefined ? { kind, name: a } : { kind, namespace: a, name: b };
}
