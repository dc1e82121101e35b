import type { ApiObject, Kind, ObjectOf } from '../schema/index.js';

/** One requirement of a field selector: `spec.nodeName=node-1`, `status.phase!=Running`. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {
  override name = 'FieldSelectorError';
}

type FieldGetters<T> = Record<string, (o: T) => string | undefined>;

const common: FieldGetters<ApiObject> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
};

/**
 * The fields each kind may be selected by, as Kubernetes' registries define them (pods by node and
 * phase, events by the object they are about); every kind has `metadata.name` and `metadata.namespace`.
 */
const byKind: { [K in Kind]?: FieldGetters<ObjectOf<K>> } = {
  Pod: {
    'spec.nodeName': (p) => p.spec.nodeName,
    'spec.restartPolicy': (p) => p.spec.restartPolicy,
    'status.phase': (p) => p.status?.phase,
    'status.podIP': (p) => p.status?.podIP,
  },
  Node: { 'spec.unschedulable': (n) => String(n.spec.unschedulable ?? false) },
  ReplicaSet: { 'status.replicas': (r) => String(r.status?.replicas ?? 0) },
  Event: {
    'involvedObject.kind': (e) => e.involvedObject.kind,
    'involvedObject.name': (e) => e.involvedObject.name,
    'involvedObject.namespace': (e) => e.involvedObject.namespace,
    'involvedObject.uid': (e) => e.involvedObject.uid,
    'involvedObject.apiVersion': () => undefined,
    'involvedObject.resourceVersion': () => undefined,
    'involvedObject.fieldPath': () => undefined,
    reason: (e) => e.reason,
    type: (e) => e.type,
    source: (e) => e.source?.component,
  },
};

/** The fields `kind` can be selected by, sorted; without a kind (a read-only view), only the metadata ones. */
export function selectableFields(kind?: Kind): string[] {
  return [...Object.keys(common), ...Object.keys((kind && byKind[kind]) ?? {})].sort();
}

/** Splits at unescaped commas; kubectl escapes `\`, `,` and `=` in values with a backslash. */
function splitUnescaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === sep) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

const unescapeValue = (v: string) => v.replace(/\\(.)/g, '$1');

/** Parses `a=b,c!=d` for `kind`, refusing a field the kind cannot be selected by (as Kubernetes answers 400). */
export function parseFieldSelector(kind: Kind | undefined, text: string): FieldRequirement[] {
  const known = new Set(selectableFields(kind));
  return splitUnescaped(text, ',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([A-Za-z0-9_.]+)\s*(!=|==|=)(.*)$/.exec(part);
      if (!m) throw new FieldSelectorError(`invalid field selector "${part}": expected field=value or field!=value`);
      const field = m[1]!;
      if (!known.has(field))
        throw new FieldSelectorError(
          `field label not supported: "${field}" is not a known field selector for ${kind ?? 'this resource'}: ` +
            `only ${[...known].map((f) => `"${f}"`).join(', ')}`,
        );
      return { field, op: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3]!.trim()) };
    });
}

/** The value of a selectable field; a field the object leaves unset reads as the empty string, as in Kubernetes. */
export function fieldValue(object: ApiObject, field: string): string {
  const getters = { ...common, ...(byKind[object.kind] as FieldGetters<ApiObject> | undefined) };
  return getters[field]?.(object) ?? '';
}

export function matchesFields(requirements: readonly FieldRequirement[], object: ApiObject): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.op === '='));
}
