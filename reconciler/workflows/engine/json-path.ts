import { JSONPath } from 'jsonpath-plus';
import type { Json } from '../../../common/schema/index.js';
import { StateFailure, StatesError } from './errors.js';

/** A path that can select more than one node (`$.items[*]`, `$..id`, a filter or a slice) yields an array of them. */
function isDefinite(path: string): boolean {
  return !/\*|\.\.|\?\(|\[[^\]]*[:,][^\]]*\]/.test(path);
}

function query(data: Json, path: string): Json[] {
  return JSONPath({ path, json: data as object, wrap: true, eval: 'safe' }) as Json[];
}

/** What `path` selects in `data`, or undefined when a definite path selects nothing. */
export function lookup(data: Json, path: string): Json | undefined {
  const found = query(data, path);
  return isDefinite(path) ? found[0] : found;
}

/** What `path` selects; a definite path that selects nothing fails the state with States.Runtime. */
export function select(data: Json, path: string): Json {
  const v = lookup(data, path);
  if (v === undefined) throw new StateFailure(StatesError.Runtime, `the path "${path}" selects nothing in the state's data`);
  return v;
}

/**
 * `data` with `value` placed at the definite path `path` (`$.a.b`, `$.list[2]`), creating objects
 * on the way; the input is not changed.
 */
export function place(data: Json, path: string, value: Json): Json {
  const segments = JSONPath.toPathArray(path).slice(1);
  if (segments.length === 0) return value;
  if (!isDefinite(path)) throw new StateFailure(StatesError.ResultPathMatchFailure, `"${path}" must name a single field`);
  const root = structuredClone(data);
  if (!isContainer(root)) throw new StateFailure(StatesError.ResultPathMatchFailure, `cannot place a result at "${path}": the input is not an object`);
  let at: Json[] | { [k: string]: Json } = root;
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const key = Array.isArray(at) ? Number(seg) : seg;
    const current: Json | undefined = Array.isArray(at) ? at[key as number] : at[key as string];
    const nextValue: Json = last ? value : isContainer(current) ? current : {};
    if (Array.isArray(at)) at[key as number] = nextValue;
    else at[key as string] = nextValue;
    if (!last) at = nextValue as Json[] | { [k: string]: Json };
  });
  return root;
}

function isContainer(v: Json | undefined): v is Json[] | { [k: string]: Json } {
  return typeof v === 'object' && v !== null;
}
