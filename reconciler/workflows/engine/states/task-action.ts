import type { Json, TaskState } from '../../../../common/schema/index.js';
import { effectiveInput, effectiveOutput } from '../data-flow.js';
import type { ActionContext, Outcome, Resumption, StateAction } from '../state-action.js';

/** As the States Language has it: a Task without TimeoutSeconds times out after 60 s. */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/** Task: calls the Function named by Resource with the effective input; its result flows on. */
export class TaskAction implements StateAction<TaskState> {
  enter(state: TaskState, input: Json, { context }: ActionContext): Outcome {
    return {
      type: 'invoke',
      resource: state.Resource,
      input: effectiveInput(state, input, context),
      timeoutSeconds: state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
    };
  }

  resume(state: TaskState, input: Json, how: Resumption, { context }: ActionContext): Outcome {
    const result = how.type === 'result' ? how.value : null;
    return { type: 'next', output: effectiveOutput(state, input, result, context) };
  }
}
