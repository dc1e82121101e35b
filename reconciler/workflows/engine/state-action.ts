import type { Json, State } from '../../../common/schema/index.js';

/** What a state's action sees besides its definition and input. */
export interface ActionContext {
  now: Date;
  /** The `$$` context object: Execution, State and (inside a Map) the item. */
  context: Json;
}

/** What a state does next: move on, fail, or pause on a call, a timer or child runs. */
export type Outcome =
  /** Follow `Next`, or end the run when the state has `End`. */
  | { type: 'next'; output: Json }
  /** Go to a named state (a Choice's pick). */
  | { type: 'goto'; next: string; output: Json }
  /** End the run successfully (Succeed). */
  | { type: 'succeed'; output: Json }
  | { type: 'fail'; error: string; cause?: string }
  | { type: 'invoke'; resource: string; input: Json; timeoutSeconds: number }
  | { type: 'sleep'; until: Date }
  /** Run the nested machines, one child run per input, at most `maxConcurrency` at a time (0: all). */
  | { type: 'children'; inputs: Json[]; maxConcurrency: number };

/** Why a paused state continues. */
export type Resumption = { type: 'result'; value: Json } | { type: 'timer' } | { type: 'children'; results: Json[] };

/**
 * One state type's behaviour, as a small class: what entering the state does, and how it continues
 * after what it paused on. Data flow helpers (./data-flow.ts) are the only way they touch paths.
 */
export interface StateAction<S extends State = State> {
  enter(state: S, input: Json, ctx: ActionContext): Outcome;
  resume?(state: S, input: Json, how: Resumption, ctx: ActionContext): Outcome;
}
