import type { State, StateType } from '../../../common/schema/index.js';
import type { StateAction } from './state-action.js';
import { ChoiceAction } from './states/choice-action.js';
import { FailAction } from './states/fail-action.js';
import { MapAction } from './states/map-action.js';
import { ParallelAction } from './states/parallel-action.js';
import { PassAction } from './states/pass-action.js';
import { SucceedAction } from './states/succeed-action.js';
import { TaskAction } from './states/task-action.js';
import { WaitAction } from './states/wait-action.js';

/** The action of every state type; the engine looks a state's up here and never switches on the type itself. */
const actions: { [T in StateType]: StateAction<Extract<State, { Type: T }>> } = {
  Task: new TaskAction(),
  Pass: new PassAction(),
  Wait: new WaitAction(),
  Choice: new ChoiceAction(),
  Succeed: new SucceedAction(),
  Fail: new FailAction(),
  Parallel: new ParallelAction(),
  Map: new MapAction(),
};

export function actionFor(state: State): StateAction {
  return actions[state.Type] as StateAction;
}
