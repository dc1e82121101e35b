import type { Json, MapState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput, resolveTemplate } from '../data-flow.js';
import { StateFailure, StatesError } from '../errors.js';
import { select } from '../json-path.js';
import type { ActionContext, Outcome, Resumption, StateAction } from '../state-action.js';

/** Map: runs its processor once per item of ItemsPath, at most MaxConcurrency at a time; the output keeps the items' order. */
export class MapAction implements StateAction<MapState> {
  enter(state: MapState, input: Json, { context }: ActionContext): Outcome {
    const data = effectiveInput(state, input, context);
    const items = select(data, state.ItemsPath ?? '$');
    if (!Array.isArray(items)) throw new StateFailure(StatesError.Runtime, `ItemsPath "${state.ItemsPath ?? '$'}" must select an array`);
    const inputs = items.map((value, index) => {
      if (!state.ItemSelector) return value;
      const itemContext = { ...(context as Record<string, Json>), Map: { Item: { Index: index, Value: value } } };
      return resolveTemplate(state.ItemSelector, data, itemContext);
    });
    return { type: 'children', inputs, maxConcurrency: state.MaxConcurrency };
  }

  resume(state: MapState, input: Json, how: Resumption, { context }: ActionContext): Outcome {
    return { type: 'next', output: effectiveOutput(state, input, how.type === 'children' ? how.results : [], context) };
  }
}
