import type { FailState } from '../../../../common/schema/index.js';
import type { Outcome, StateAction } from '../state-action.js';

/** Fail: ends its run with the error and cause it names. */
export class FailAction implements StateAction<FailState> {
  enter(state: FailState): Outcome {
    return { type: 'fail', error: state.Error ?? 'States.Fail', ...(state.Cause !== undefined && { cause: state.Cause }) };
  }
}
