import { kinds, resourceType } from '../../common/schema/index.js';

/** How a request is counted: Kubernetes' verbs (get, list, watch, create, update, delete) and the kind it touched. */
export interface RequestLabels {
  verb: string;
  /** The resource kind (`Pod`), `subresource` kinds as `Pod/log`, or the first path segments of a non-resource path. */
  kind: string;
}

const byPlural = new Map<string, string>(kinds.map((k) => [resourceType(k).plural, k]));

/**
 * Labels from the method and path alone (the router has not run when a request is counted as it
 * ends — nor would a 404 ever reach a route): `/api/v1/namespaces/ns/pods/p/log` → `get Pod/log`.
 * Names and namespaces never become label values, so the series stay few.
 */
export function requestLabels(method: string, path: string, watch: boolean): RequestLabels {
  const segments = path.split('/').filter(Boolean);
  // /api/v1/... or /apis/group/version/...
  const rest = segments[0] === 'api' ? segments.slice(2) : segments[0] === 'apis' ? segments.slice(3) : undefined;
  if (rest === undefined) return { verb: method.toLowerCase(), kind: `/${segments.slice(0, 2).join('/')}` };
  const resource = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  const kind = byPlural.get(resource[0] ?? '') ?? 'unknown';
  const item = resource.length >= 2;
  const sub = resource[2];
  const verb =
    method === 'GET'
      ? watch
        ? 'watch'
        : item
          ? 'get'
          : 'list'
      : method === 'POST'
        ? 'create'
        : method === 'PUT'
          ? 'update'
          : method === 'DELETE'
            ? 'delete'
            : method.toLowerCase();
  return { verb, kind: sub ? `${kind}/${sub}` : kind };
}
