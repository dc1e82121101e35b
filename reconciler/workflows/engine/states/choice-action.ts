import type { ChoiceState, Json } from '../../../../common/schema/index.js';
import { ruleMatches } from '../choice-rules.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import { StatesError } from '../errors.js';
import type { ActionContext, Outcome, StateAction } from '../state-action.js';

/** Choice: the first rule that matches picks the next state, else Default, else States.NoChoiceMatched. */
export class ChoiceAction implements StateAction<ChoiceState> {
  enter(state: ChoiceState, input: Json, { context }: ActionContext): Outcome {
    const data = effectiveInput(state, input, context);
    const next = state.Choices.find((rule) => ruleMatches(rule, data))?.Next ?? state.Default;
    if (next === undefined) return { type: 'fail', error: StatesError.NoChoiceMatched, cause: 'no Choice rule matched the input and there is no Default' };
    return { type: 'goto', next, output: effectiveOutput(state, input, data, context) };
  }
}
