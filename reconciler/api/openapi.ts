import { z } from 'zod';
import { groupVersionPath } from '../../common/client/api-paths.js';
import { type Kind, kinds, type ResourceType, resourceType } from '../../common/schema/index.js';
import { LIST_QUERY_PARAMS } from './request-options.js';

type JsonObject = Record<string, unknown>;

/** Kubernetes names its definitions by Go package (`io.k8s.api.core.v1.Pod`); minik8s' own kinds by group. */
export function definitionName(kind: Kind): string {
  const t = resourceType(kind);
  const k8sGroup = t.group === '' ? 'core' : t.group.endsWith('.k8s.io') || !t.group.includes('.') ? t.group.split('.')[0]! : undefined;
  return k8sGroup ? `io.k8s.api.${k8sGroup}.${t.version}.${kind}` : `io.minik8s.${t.group}.${t.version}.${kind}`;
}

const gvkOf = (t: ResourceType) => ({ group: t.group, version: t.version, kind: t.kind });

/** A kind's schema as JSON Schema, from the same zod schema the API validates with; fields with defaults are optional. */
function kindSchema(kind: Kind, target: 'openapi-3.0' | 'draft-4'): JsonObject {
  const t = resourceType(kind);
  const { $schema: _s, ...schema } = z.toJSONSchema(t.schema, { target, io: 'input', unrepresentable: 'any' }) as JsonObject;
  return {
    description: `${kind} (${t.apiVersion})${t.fromGit ? ': its spec comes from the cluster repository' : ''}.`,
    ...schema,
    'x-kubernetes-group-version-kind': [gvkOf(t)],
  };
}

const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: `name of the ${name === 'namespace' ? 'namespace' : 'object'}`,
});
const queryParam = (name: string, description: string) => ({ name, in: 'query', schema: { type: 'string' }, description, uniqueItems: true });
const WRITE_PARAMS = [
  queryParam('dryRun', 'All: validate and answer without storing'),
  queryParam('fieldManager', 'accepted and ignored: there are no managed fields'),
  queryParam('fieldValidation', 'unknown fields are always refused (Strict)'),
];
const LIST_PARAMS = LIST_QUERY_PARAMS.map((n) => queryParam(n, n));
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** The OpenAPI v3 paths of one kind: its collection and its objects, each operation tagged with the kind as Kubernetes tags them. */
function kindPaths(kind: Kind): Record<string, JsonObject> {
  const t = resourceType(kind);
  const ref = { $ref: `#/components/schemas/${definitionName(kind)}` };
  const ok = (description: string) => ({ '200': { description, content: { 'application/json': { schema: ref } } } });
  const op = (action: string, verb: string, extra: JsonObject = {}) => ({
    operationId: `${verb}${t.namespaced ? 'Namespaced' : ''}${kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvkOf(t),
    responses: ok('OK'),
    ...extra,
  });
  const collection = `${groupVersionPath(kind)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const nsParams = t.namespaced ? [pathParam('namespace')] : [];
  const body = { requestBody: { required: true, content: { 'application/json': { schema: ref } } } };
  return {
    [collection]: {
      parameters: nsParams,
      get: op('list', 'list', { parameters: LIST_PARAMS }),
      post: op('post', 'create', { parameters: WRITE_PARAMS, ...body }),
    },
    [`${collection}/{name}`]: {
      parameters: [...nsParams, pathParam('name')],
      get: op('get', 'read'),
      put: op('put', 'replace', { parameters: WRITE_PARAMS, ...body }),
      patch: op('patch', 'patch', {
        parameters: [...WRITE_PARAMS, queryParam('force', 'server-side apply is not supported')],
        requestBody: { required: true, content: Object.fromEntries(PATCH_TYPES.map((type) => [type, { schema: { type: 'object' } }])) },
      }),
      delete: op('delete', 'delete', { parameters: [queryParam('dryRun', 'All: answer without deleting')] }),
    },
  };
}

let v3Cache: Map<string, JsonObject> | undefined;

/** One OpenAPI v3 document per group version (`api/v1`, `apis/apps/v1`), as `/openapi/v3/{path}` serves them. */
export function openApiV3Documents(): Map<string, JsonObject> {
  if (v3Cache) return v3Cache;
  const docs = new Map<string, { paths: JsonObject; schemas: JsonObject }>();
  for (const kind of kinds) {
    const t = resourceType(kind);
    const key = t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
    const doc = docs.get(key) ?? { paths: {}, schemas: {} };
    Object.assign(doc.paths, kindPaths(kind));
    doc.schemas[definitionName(kind)] = kindSchema(kind, 'openapi-3.0');
    docs.set(key, doc);
  }
  v3Cache = new Map(
    [...docs].map(([key, { paths, schemas }]) => [key, { openapi: '3.0.0', info: { title: 'minik8s', version: key }, paths, components: { schemas } }]),
  );
  return v3Cache;
}

/** `GET /openapi/v3`: where each group version's document is, with a hash so clients may cache it. */
export function openApiV3Index(hash: (doc: JsonObject) => string): JsonObject {
  return {
    paths: Object.fromEntries([...openApiV3Documents()].map(([key, doc]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${hash(doc)}` }])),
  };
}

/**
 * `GET /openapi/v2` (as JSON): a Swagger 2.0 document with every kind's definition. Its paths are left
 * out: clients take operations from v3 (kubectl's explain, apply and field validation all do).
 */
export function openApiV2Document(): JsonObject {
  const definitions = Object.fromEntries(kinds.map((k) => [definitionName(k), kindSchema(k, 'draft-4')]));
  return { swagger: '2.0', info: { title: 'minik8s', version: 'v1' }, paths: {}, definitions };
}
