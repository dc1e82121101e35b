import { type Kind, type ObjectRef, resourceTypes } from '../schema/index.js';

/**
 * The REST paths in Kubernetes' shape, shared by the API server's router and the client:
 * `/api/v1/namespaces/{ns}/pods/{name}`, `/apis/apps/v1/namespaces/{ns}/deployments`, `/api/v1/nodes/{name}`.
 */
export function collectionPath(kind: Kind, namespace?: string): string {
  const t = resourceTypes[kind];
  const base = groupVersionPath(kind);
  return t.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${t.plural}` : `${base}/${t.plural}`;
}

/** `/api/v1` for the core group, `/apis/{group}/{version}` for the others. */
export function groupVersionPath(kind: Kind): string {
  const t = resourceTypes[kind];
  return t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
}

export function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref.kind, resourceTypes[ref.kind].namespaced ? (ref.namespace ?? 'default') : undefined)}/${encodeURIComponent(ref.name)}`;
}

/** minik8s' own endpoints, beside the resource API. */
export const MINIK8S_API = '/minik8s/v1';
