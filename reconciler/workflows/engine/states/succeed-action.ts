import type { Json, SucceedState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import type { ActionContext, Outcome, StateAction } from '../state-action.js';

/** Succeed: ends its run with its (filtered) input. */
export class SucceedAction implements StateAction<SucceedState> {
  enter(state: SucceedState, input: Json, { context }: ActionContext): Outcome {
    return { type: 'succeed', output: effectiveOutput(state, input, effectiveInput(state, input, context), context) };
  }
}
