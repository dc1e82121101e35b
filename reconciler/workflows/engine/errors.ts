/** Error names as the States Language spells them. */
export const StatesError = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  NoChoiceMatched: 'States.NoChoiceMatched',
  /** A path that selects nothing, a bad template: a mistake in the definition, which no retrier or catcher matches. */
  Runtime: 'States.Runtime',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  BranchFailed: 'States.BranchFailed',
} as const;

/** A state failed: the error name (a `States.*` one, or the function's own error type) and a cause. */
export class StateFailure extends Error {
  constructor(
    readonly error: string,
    readonly causeText?: string,
  ) {
    super(causeText ? `${error}: ${causeText}` : error);
  }
}

/**
 * Whether a retrier's or catcher's `ErrorEquals` covers an error. `States.ALL` covers everything but
 * States.Runtime (a broken definition is not worth retrying); `States.TaskFailed` covers what a function
 * raised, but not a timeout.
 */
export function errorMatches(names: readonly string[], error: string): boolean {
  if (names.includes(error)) return true;
  if (error === StatesError.Runtime) return false;
  if (names.includes(StatesError.ALL)) return true;
  return names.includes(StatesError.TaskFailed) && !error.startsWith('States.');
}
