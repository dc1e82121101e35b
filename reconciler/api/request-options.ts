import { type FieldRequirement, FieldSelectorError, parseFieldSelector } from '../../common/client/field-selector.js';
import { type LabelRequirement, LabelSelectorError, parseLabelSelector } from '../../common/client/label-selector.js';
import { HttpError } from '../../common/http/http-error.js';
import type { Kind } from '../../common/schema/index.js';
import { type IncludeObject, parseIncludeObject } from './table.js';

/** What a request does, as Kubernetes names its verbs; each takes its own query parameters. */
export type Verb = 'list' | 'get' | 'create' | 'update' | 'patch' | 'delete';

/**
 * The query parameters each verb understands. Anything else is refused: a parameter the server
 * ignored would change what the client gets without telling it (a `fieldSelector` it never applied).
 * `pretty`, `fieldManager` and `fieldValidation` change nothing here: answers are JSON either way,
 * there are no managed fields, and unknown fields are always refused (`Strict`).
 */
/** What a list or watch takes, as OpenAPI documents it too. */
export const LIST_QUERY_PARAMS = [
  'labelSelector',
  'fieldSelector',
  'limit',
  'continue',
  'resourceVersion',
  'resourceVersionMatch',
  'watch',
  'timeoutSeconds',
  'allowWatchBookmarks',
  'sendInitialEvents',
] as const;

const ACCEPTED: Record<Verb, readonly string[]> = {
  list: [...LIST_QUERY_PARAMS, 'includeObject'],
  get: ['resourceVersion', 'includeObject'],
  create: ['dryRun', 'fieldManager', 'fieldValidation'],
  update: ['dryRun', 'fieldManager', 'fieldValidation'],
  patch: ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
  delete: ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'],
};

export interface ListOptions {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  watch: boolean;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  includeObject: IncludeObject;
}

const bad = (message: string) => new HttpError(400, 'BadRequest', message);

/** One value per parameter; a repeated one is ambiguous and refused. */
function single(query: URLSearchParams, verb: Verb): Map<string, string> {
  const accepted = new Set([...ACCEPTED[verb], 'pretty']);
  const out = new Map<string, string>();
  for (const key of new Set(query.keys())) {
    if (!accepted.has(key)) throw bad(`query parameter "${key}" is not supported for ${verb} (supported: ${[...accepted].join(', ')})`);
    const values = query.getAll(key);
    if (values.length > 1) throw bad(`query parameter "${key}" was given ${values.length} times`);
    out.set(key, values[0]!);
  }
  return out;
}

function bool(q: Map<string, string>, key: string): boolean | undefined {
  const v = q.get(key);
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  throw bad(`${key} must be true or false, got "${v}"`);
}

function int(q: Map<string, string>, key: string, min: number): number | undefined {
  const v = q.get(key);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw bad(`${key} must be an integer of at least ${min}, got "${v}"`);
  return Number(v);
}

/** Checks the query of a request on one object (get and the writes). */
export function parseItemOptions(query: URLSearchParams, verb: Exclude<Verb, 'list'>): { dryRun: boolean; includeObject: IncludeObject } {
  const q = single(query, verb);
  const dryRun = q.get('dryRun');
  if (dryRun !== undefined && dryRun !== 'All') throw bad(`dryRun must be "All", got "${dryRun}"`);
  const policy = q.get('propagationPolicy');
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground')
    throw bad(`propagationPolicy "${policy}" is not supported: controllers delete what an object owned (Background or Foreground)`);
  return { dryRun: dryRun === 'All', includeObject: parseIncludeObjectOrBad(q.get('includeObject')) };
}

function parseIncludeObjectOrBad(v: string | undefined): IncludeObject {
  try {
    return parseIncludeObject(v);
  } catch (err) {
    throw bad((err as Error).message);
  }
}

/** Checks and reads a list or watch request's query for `kind` (undefined: a view selectable by metadata only). */
export function parseListOptions(query: URLSearchParams, kind: Kind | undefined): ListOptions {
  const q = single(query, 'list');
  let labels: LabelRequirement[];
  let fields: FieldRequirement[];
  try {
    labels = parseLabelSelector(q.get('labelSelector') ?? '');
    fields = parseFieldSelector(kind, q.get('fieldSelector') ?? '');
  } catch (err) {
    if (err instanceof LabelSelectorError || err instanceof FieldSelectorError) throw bad(err.message);
    throw err;
  }
  const watch = bool(q, 'watch') ?? false;
  const match = q.get('resourceVersionMatch');
  if (match !== undefined && match !== '' && match !== 'NotOlderThan')
    throw bad(`resourceVersionMatch "${match}" is not supported: lists are always of the latest state (NotOlderThan)`);
  const sendInitialEvents = bool(q, 'sendInitialEvents');
  if (sendInitialEvents !== undefined && !watch) throw bad('sendInitialEvents is only for watch requests');
  const limit = int(q, 'limit', 0);
  const timeoutSeconds = int(q, 'timeoutSeconds', 0);
  const resourceVersion = q.get('resourceVersion') || undefined;
  if (resourceVersion !== undefined && !/^\d+$/.test(resourceVersion)) throw bad(`resourceVersion must be a revision number, got "${resourceVersion}"`);
  return {
    labels,
    fields,
    watch,
    ...(limit ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
    ...(resourceVersion !== undefined && { resourceVersion }),
    ...(timeoutSeconds !== undefined && { timeoutSeconds }),
    allowWatchBookmarks: bool(q, 'allowWatchBookmarks') ?? false,
    ...(sendInitialEvents !== undefined && { sendInitialEvents }),
    includeObject: parseIncludeObjectOrBad(q.get('includeObject')),
  };
}

/** The query of an express request, as the client sent it (repeated keys kept). */
export function queryOf(originalUrl: string): URLSearchParams {
  const i = originalUrl.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : originalUrl.slice(i + 1));
}
