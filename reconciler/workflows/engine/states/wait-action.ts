import type { Json, WaitState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import { StateFailure, StatesError } from '../errors.js';
import { select } from '../json-path.js';
import type { ActionContext, Outcome, StateAction } from '../state-action.js';

/** Wait: sleeps for Seconds (or SecondsPath), or until Timestamp (or TimestampPath), then passes its input on. */
export class WaitAction implements StateAction<WaitState> {
  enter(state: WaitState, input: Json, { now, context }: ActionContext): Outcome {
    const data = effectiveInput(state, input, context);
    const seconds = state.Seconds ?? (state.SecondsPath !== undefined ? select(data, state.SecondsPath) : undefined);
    if (seconds !== undefined) {
      if (typeof seconds !== 'number' || seconds < 0)
        throw new StateFailure(StatesError.Runtime, `SecondsPath must select a number of seconds ≥ 0, not ${JSON.stringify(seconds)}`);
      return { type: 'sleep', until: new Date(now.getTime() + seconds * 1000) };
    }
    const timestamp = state.Timestamp ?? select(data, state.TimestampPath!);
    if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp)))
      throw new StateFailure(StatesError.Runtime, `TimestampPath must select an ISO 8601 timestamp, not ${JSON.stringify(timestamp)}`);
    return { type: 'sleep', until: new Date(timestamp) };
  }

  resume(state: WaitState, input: Json, _how: unknown, { context }: ActionContext): Outcome {
    return { type: 'next', output: effectiveOutput(state, input, effectiveInput(state, input, context), context) };
  }
}
