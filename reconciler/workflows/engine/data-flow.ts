import type { Json, State } from '../../../common/schema/index.js';
import { StateFailure, StatesError } from './errors.js';
import { place, select } from './json-path.js';

/**
 * The one place a state's data flows: InputPath → Parameters → (the state's work) → ResultSelector →
 * ResultPath → OutputPath. `context` is the `$$` object (execution, state, Map item).
 */

/** A path field: absent keeps the data, `null` gives `{}`. */
function applyPath(data: Json, path: string | null | undefined): Json {
  if (path === undefined) return data;
  if (path === null) return {};
  return select(data, path);
}

/** A Parameters/ResultSelector/ItemSelector template: keys ending in `.$` take their value from a path. */
export function resolveTemplate(template: Json, data: Json, context: Json): Json {
  if (Array.isArray(template)) return template.map((t) => resolveTemplate(t, data, context));
  if (typeof template !== 'object' || template === null) return template;
  const out: { [k: string]: Json } = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      out[key] = resolveTemplate(value, data, context);
      continue;
    }
    if (typeof value !== 'string' || !value.startsWith('$'))
      throw new StateFailure(StatesError.Runtime, `"${key}" must be a path starting with "$" (intrinsic functions are not supported)`);
    out[key.slice(0, -2)] = value.startsWith('$$') ? select(context, value.slice(1)) : select(data, value);
  }
  return out;
}

/** What the state works on: its raw input through InputPath, then Parameters. */
export function effectiveInput(state: State, raw: Json, context: Json): Json {
  const input = applyPath(raw, 'InputPath' in state ? state.InputPath : undefined);
  return 'Parameters' in state && state.Parameters !== undefined ? resolveTemplate(state.Parameters, input, context) : input;
}

/** What the state passes on: its result through ResultSelector, placed into the raw input by ResultPath, then OutputPath. */
export function effectiveOutput(state: State, raw: Json, result: Json, context: Json): Json {
  const selected = 'ResultSelector' in state && state.ResultSelector ? resolveTemplate(state.ResultSelector, result, context) : result;
  const resultPath = 'ResultPath' in state ? state.ResultPath : undefined;
  const placed = resultPath === undefined ? selected : resultPath === null ? raw : place(raw, resultPath, selected);
  return applyPath(placed, 'OutputPath' in state ? state.OutputPath : undefined);
}

/** A caught error's output: `{Error, Cause}` placed into the raw input by the catcher's ResultPath. */
export function caughtOutput(raw: Json, resultPath: string | null | undefined, error: string, cause: string | undefined): Json {
  const info: Json = { Error: error, Cause: cause ?? '' };
  return resultPath === undefined ? info : resultPath === null ? raw : place(raw, resultPath, info);
}
