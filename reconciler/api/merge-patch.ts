import { HttpError } from '../../common/http/http-error.js';

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

/** The patch type a PATCH's Content-Type names, as Kubernetes takes them. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]!.trim();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        `the body of a PATCH must be application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json, not "${type}"`,
      );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7386 JSON merge patch. A strategic merge patch is applied the same way after its `$` directives
 * are dropped: lists are replaced rather than merged by key, which is what kubectl sends when it
 * changes a list's items, and enough for a dry run.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6902 JSON patch: add, remove, replace and test on JSON-pointer paths. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new HttpError(400, 'BadRequest', 'a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of ops as { op?: unknown; path?: unknown; value?: unknown }[]) {
    if (typeof op.path !== 'string' || (op.path !== '' && !op.path.startsWith('/')))
      throw new HttpError(400, 'BadRequest', `JSON patch path must be a JSON pointer, got "${String(op.path)}"`);
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    if (last === undefined) {
      if (op.op === 'replace' || op.op === 'add') doc = structuredClone(op.value);
      continue;
    }
    let parent: unknown = doc;
    for (const k of keys) parent = (parent as Record<string, unknown>)?.[k];
    if (typeof parent !== 'object' || parent === null) throw new HttpError(422, 'Invalid', `JSON patch path "${op.path}" does not exist`);
    const container = parent as Record<string, unknown> & unknown[];
    const index = Array.isArray(container) ? (last === '-' ? container.length : Number(last)) : undefined;
    switch (op.op) {
      case 'add':
        if (index !== undefined) container.splice(index, 0, structuredClone(op.value));
        else container[last] = structuredClone(op.value);
        break;
      case 'replace':
        if (index !== undefined) container[index] = structuredClone(op.value);
        else container[last] = structuredClone(op.value);
        break;
      case 'remove':
        if (index !== undefined) container.splice(index, 1);
        else delete container[last];
        break;
      case 'test':
        if (JSON.stringify(index !== undefined ? container[index] : container[last]) !== JSON.stringify(op.value))
          throw new HttpError(422, 'Invalid', `JSON patch test failed at "${op.path}"`);
        break;
      default:
        throw new HttpError(400, 'BadRequest', `JSON patch operation "${String(op.op)}" is not supported (add, remove, replace, test)`);
    }
  }
  return doc;
}
