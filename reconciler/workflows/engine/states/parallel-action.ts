import type { Json, ParallelState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import type { ActionContext, Outcome, Resumption, StateAction } from '../state-action.js';

/** Parallel: every branch starts from the same input; the output is their outputs, in branch order. */
export class ParallelAction implements StateAction<ParallelState> {
  enter(state: ParallelState, input: Json, { context }: ActionContext): Outcome {
    const data = effectiveInput(state, input, context);
    return { type: 'children', inputs: state.Branches.map(() => data), maxConcurrency: 0 };
  }

  resume(state: ParallelState, input: Json, how: Resumption, { context }: ActionContext): Outcome {
    return { type: 'next', output: effectiveOutput(state, input, how.type === 'children' ? how.results : [], context) };
  }
}
