import type { z } from 'zod';
import { formatFieldPath } from './field-path.js';
import { type ApiObject, gitKinds, isKind, type Kind, type ObjectOf, resourceTypes } from './resource-types.js';

/** One validation problem, with the field path in Kubernetes' notation (`spec.containers[0].image`). */
export interface FieldError {
  path: string;
  message: string;
}

export { formatFieldPath };

export type ParseResult<T> = { ok: true; object: T } | { ok: false; errors: FieldError[] };

function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldError[] {
  return issues.map((i) => {
    const extra = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
    return { path: formatFieldPath([...prefix, ...i.path]) || '(root)', message: i.message + extra };
  });
}

/** Parses one object of a known kind and applies defaults (namespace, schema defaults). */
export function parseObjectOfKind<K extends Kind>(kind: K, raw: unknown): ParseResult<ObjectOf<K>> {
  const type = resourceTypes[kind];
  const r = type.schema.safeParse(raw);
  if (!r.success) return { ok: false, errors: issuesToErrors(r.error.issues) };
  const object = r.data as ObjectOf<K>;
  if (type.namespaced) object.metadata.namespace ??= 'default';
  else if (object.metadata.namespace !== undefined)
    return { ok: false, errors: [{ path: 'metadata.namespace', message: `${kind} is cluster-scoped and takes no namespace` }] };
  return { ok: true, object };
}

/** Parses any object the API serves, choosing the schema by `kind`. */
export function parseObject(raw: unknown, allowed: readonly Kind[] = Object.keys(resourceTypes) as Kind[]): ParseResult<ApiObject> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, errors: [{ path: '(root)', message: 'must be a mapping with apiVersion, kind, metadata and spec' }] };
  const kind = (raw as { kind?: unknown }).kind;
  if (typeof kind !== 'string') return { ok: false, errors: [{ path: 'kind', message: 'is required' }] };
  if (!isKind(kind) || !allowed.includes(kind))
    return { ok: false, errors: [{ path: 'kind', message: `unknown kind "${kind}" (known: ${allowed.join(', ')})` }] };
  return parseObjectOfKind(kind, raw) as ParseResult<ApiObject>;
}

/** Parses an object from a manifest in Git: only the kinds whose spec Git owns. */
export function parseManifest(raw: unknown): ParseResult<ApiObject> {
  return parseObject(raw, gitKinds);
}
