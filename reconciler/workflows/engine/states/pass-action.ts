import type { Json, PassState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import type { ActionContext, Outcome, StateAction } from '../state-action.js';

/** Pass: passes its input on, or its `Result`, shaped by the data flow. */
export class PassAction implements StateAction<PassState> {
  enter(state: PassState, input: Json, { context }: ActionContext): Outcome {
    const result = state.Result !== undefined ? state.Result : effectiveInput(state, input, context);
    return { type: 'next', output: effectiveOutput(state, input, result, context) };
  }
}
