import { type Kind, kinds, resourceTypes } from '../../common/schema/index.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a request does, in the terms of Kubernetes' RequestInfo: what the authorizer decides on. */
export type RequestAttributes =
  | {
      type: 'resource';
      verb: Verb;
      /** The plural as in the path (`pods`), and the kind when the API serves it. */
      resource: string;
      kind: Kind | undefined;
      namespace: string | undefined;
      name: string | undefined;
      /** `status`, `log`, `exec`, `eviction`, ... */
      subresource: string | undefined;
    }
  | { type: 'nonResource'; method: string; path: string };

function kindOf(groupVersion: string, plural: string): Kind | undefined {
  return kinds.find((k) => {
    const t = resourceTypes[k];
    return t.plural === plural && (t.group ? `${t.group}/${t.version}` : t.version) === groupVersion;
  });
}

function verbOf(method: string, named: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return named ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/**
 * Parses `/api/v1/namespaces/default/pods/web/status` and its kin into what it asks for. Paths outside
 * `/api/{v}/...` and `/apis/{g}/{v}/...` with a resource (discovery, `/minik8s/v1/...`) are non-resource.
 * `path` is as received (express' `req.path`): each segment is decoded on its own, as the router
 * matches them, so `web%2Fstatus` is one name and never the status subresource.
 */
export function requestAttributes(method: string, path: string, query: { watch?: unknown }): RequestAttributes {
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    // Undecodable: no route serves it as a resource; anyone but the admin is refused.
    return { type: 'nonResource', method, path };
  }
  let rest: string[];
  let groupVersion: string;
  if (parts[0] === 'api' && parts.length >= 3) [groupVersion, rest] = [parts[1]!, parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [groupVersion, rest] = [`${parts[1]}/${parts[2]}`, parts.slice(3)];
  else return { type: 'nonResource', method, path };
  let namespace: string | undefined;
  // `namespaces/{ns}/{resource}...` is namespaced; `namespaces` and `namespaces/{name}` are the Namespace objects.
  if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  const watch = query.watch === 'true' || query.watch === '1';
  const verb = verbOf(method, name !== undefined, watch);
  if (!verb || rest.length > 3) return { type: 'nonResource', method, path };
  return { type: 'resource', verb, resource, kind: kindOf(groupVersion, resource), namespace, name, subresource };
}
