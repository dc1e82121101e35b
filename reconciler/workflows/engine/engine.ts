import {
  type EngineCommand,
  type Execution,
  type HistoryEvent,
  type Json,
  nestedMachines,
  type Run,
  type State,
  type StateMachine,
} from '../../../common/schema/index.js';
import { caughtOutput } from './data-flow.js';
import { errorMatches, StateFailure, StatesError } from './errors.js';
import type { ActionContext, Outcome, StateAction } from './state-action.js';
import { actionFor } from './state-actions.js';

type StoredStatus = NonNullable<Execution['status']>;
/** An execution's status while the engine drives it: always with its engine state. */
export type ExecutionStatus = StoredStatus & { engine: NonNullable<StoredStatus['engine']> };

/** What the engine knows of the execution besides its status: for the `$$.Execution` context. */
export interface ExecutionInfo {
  id: string;
  input: Json;
}

/** Something that happened to an execution: a call's result, or a timer (a Wait, a retry interval, a deadline). */
export type EngineEvent =
  | { type: 'TaskSucceeded'; stepId: string; output: Json }
  | { type: 'TaskFailed'; stepId: string; error: string; cause?: string }
  | { type: 'TimerFired'; timerId: string };

export const ROOT_RUN = 'root';
export const EXECUTION_TIMEOUT_TIMER = 'execution@timeout';
/** Moves in one step beyond which a definition is looping without ever waiting: the execution fails. */
const MAX_MOVES_PER_STEP = 10_000;

/**
 * Starts an execution: the status at its first pause, whose `engine.outbox` holds what the executor
 * must do (calls to publish, timers to arm).
 */
export function startExecution(definition: StateMachine, info: ExecutionInfo, now: Date): ExecutionStatus {
  const status: ExecutionStatus = {
    phase: 'Running',
    startTime: now.toISOString(),
    history: [],
    engine: { definition, runs: {}, timers: {}, outbox: [] },
  };
  const t = new Transition(status, info, now);
  t.start();
  return t.status;
}

/**
 * The engine's one step: the status after `event`, deterministic in its arguments so that replaying an
 * event gives the same status and commands. `applied` is false when the event is stale (a result of a
 * step already done, a timer nobody waits for): the status is then unchanged.
 */
export function applyEvent(status: ExecutionStatus, info: ExecutionInfo, event: EngineEvent, now: Date): { status: ExecutionStatus; applied: boolean } {
  if (status.phase !== 'Running') return { status, applied: false };
  const t = new Transition(structuredClone(status), info, now);
  const applied = t.apply(event);
  return applied ? { status: t.status, applied } : { status, applied };
}

/** One step's work on a private copy of the status. */
class Transition {
  readonly #commands: EngineCommand[] = [];
  #moves = 0;

  constructor(
    readonly status: ExecutionStatus,
    readonly info: ExecutionInfo,
    readonly now: Date,
  ) {
    status.engine.outbox = this.#commands;
  }

  get #engine() {
    return this.status.engine;
  }

  start(): void {
    const def = this.#engine.definition;
    this.#record({ type: 'ExecutionStarted', input: this.info.input });
    if (def.TimeoutSeconds !== undefined) this.#setTimer(EXECUTION_TIMEOUT_TIMER, def.TimeoutSeconds);
    this.#engine.runs[ROOT_RUN] = newRun([], undefined, this.now);
    this.#guard(() => this.#enter(ROOT_RUN, def.StartAt, this.info.input));
  }

  apply(event: EngineEvent): boolean {
    if (event.type === 'TimerFired') return this.#timerFired(event.timerId);
    const found = Object.entries(this.#engine.runs).find(([, r]) => r.wait?.type === 'task' && r.wait.stepId === event.stepId);
    if (!found) return false;
    const [runId, run] = found;
    if (run.wait?.type === 'task') delete this.#engine.timers[run.wait.timerId];
    run.wait = undefined;
    this.#guard(() => {
      if (event.type === 'TaskSucceeded') {
        this.#record({ type: 'TaskSucceeded', ...this.#at(runId), stepId: event.stepId, output: event.output });
        this.#act(runId, (action, state, ctx) => action.resume!(state, run.input, { type: 'result', value: event.output }, ctx));
      } else {
        this.#record({
          type: 'TaskFailed',
          ...this.#at(runId),
          stepId: event.stepId,
          error: event.error,
          ...(event.cause !== undefined && { cause: event.cause }),
        });
        this.#stateFailed(runId, event.error, event.cause);
      }
    });
    return true;
  }

  #timerFired(timerId: string): boolean {
    if (!Object.hasOwn(this.#engine.timers, timerId)) return false;
    delete this.#engine.timers[timerId];
    if (timerId === EXECUTION_TIMEOUT_TIMER) {
      this.#end('TimedOut', {
        error: StatesError.Timeout,
        cause: `the execution ran longer than its TimeoutSeconds (${this.#engine.definition.TimeoutSeconds} s)`,
      });
      return true;
    }
    const found = Object.entries(this.#engine.runs).find(([, r]) => r.wait !== undefined && 'timerId' in r.wait && r.wait.timerId === timerId);
    if (!found) return true;
    const [runId, run] = found;
    const wait = run.wait!;
    run.wait = undefined;
    this.#guard(() => {
      if (wait.type === 'task') {
        const cause = `no result within the Task's TimeoutSeconds`;
        this.#record({ type: 'TaskFailed', ...this.#at(runId), stepId: wait.stepId, error: StatesError.Timeout, cause });
        this.#stateFailed(runId, StatesError.Timeout, cause);
      } else if (wait.type === 'timer' && wait.purpose === 'retry') this.#enter(runId, run.state, run.input, true);
      else this.#act(runId, (action, state, ctx) => action.resume!(state, run.input, { type: 'timer' }, ctx));
    });
    return true;
  }

  /**
   * Runs a step's work and then every state entry it led to, one after another rather than nested (a
   * long chain of Pass states would otherwise grow the stack). A definition that loops without pausing
   * fails the execution instead of spinning the executor.
   */
  #guard(work: () => void): void {
    work();
    for (let entry = this.#entries.shift(); entry; entry = this.#entries.shift()) {
      if (++this.#moves > MAX_MOVES_PER_STEP) {
        this.#entries.length = 0;
        return this.#end('Failed', {
          error: StatesError.Runtime,
          cause: `more than ${MAX_MOVES_PER_STEP} states entered without a pause: a loop with no Task or Wait in it?`,
        });
      }
      entry();
    }
  }

  /** State entries waiting their turn in #guard. */
  readonly #entries: Array<() => void> = [];

  #enter(runId: string, name: string, input: Json, retry = false): void {
    this.#entries.push(() => {
      // A run cancelled (its Parallel failed) or an execution ended since this entry was queued goes no further.
      if (this.status.phase === 'Running' && this.#engine.runs[runId]) this.#enterNow(runId, name, input, retry);
    });
  }

  #enterNow(runId: string, name: string, input: Json, retry: boolean): void {
    const run = this.#run(runId);
    if (retry) run.attempt += 1;
    else Object.assign(run, { state: name, input, entries: run.entries + 1, attempt: 1, retries: [], enteredAt: this.now.toISOString() });
    this.#record({ type: 'StateEntered', ...this.#at(runId), input: run.input });
    this.#act(runId, (action, state, ctx) => action.enter(state, run.input, ctx));
  }

  /** Runs a state's action and follows its outcome; a StateFailure it throws (a bad path) fails the state. */
  #act(runId: string, work: (action: StateAction, state: State, ctx: ActionContext) => Outcome): void {
    const run = this.#run(runId);
    const state = this.#stateOf(run);
    let outcome: Outcome;
    try {
      outcome = work(actionFor(state), state, { now: this.now, context: this.#context(run) });
    } catch (err) {
      if (!(err instanceof StateFailure)) throw err;
      outcome = { type: 'fail', error: err.error, ...(err.causeText !== undefined && { cause: err.causeText }) };
    }
    this.#follow(runId, state, outcome);
  }

  #follow(runId: string, state: State, outcome: Outcome): void {
    const run = this.#run(runId);
    const stepId = `${runId}/${run.entries}:${run.state}#${run.attempt}`;
    switch (outcome.type) {
      case 'next': {
        this.#exit(runId, outcome.output);
        const { Next } = state as { Next?: string };
        return Next === undefined ? this.#finishRun(runId, outcome.output) : this.#enter(runId, Next, outcome.output);
      }
      case 'goto':
        this.#exit(runId, outcome.output);
        return this.#enter(runId, outcome.next, outcome.output);
      case 'succeed':
        this.#exit(runId, outcome.output);
        return this.#finishRun(runId, outcome.output);
      case 'fail':
        return this.#stateFailed(runId, outcome.error, outcome.cause);
      case 'invoke': {
        const timerId = `${stepId}@deadline`;
        run.wait = { type: 'task', stepId, resource: outcome.resource, timerId };
        this.#commands.push({ type: 'Invoke', stepId, resource: outcome.resource, input: outcome.input, timeoutSeconds: outcome.timeoutSeconds });
        this.#setTimer(timerId, outcome.timeoutSeconds);
        return this.#record({ type: 'TaskScheduled', ...this.#at(runId), stepId, input: outcome.input });
      }
      case 'sleep': {
        const timerId = `${stepId}@wait`;
        run.wait = { type: 'timer', timerId, purpose: 'wait' };
        return this.#setTimer(timerId, (outcome.until.getTime() - this.now.getTime()) / 1000);
      }
      case 'children':
        run.wait = {
          type: 'children',
          inputs: outcome.inputs,
          maxConcurrency: outcome.maxConcurrency,
          started: 0,
          results: outcome.inputs.map(() => null),
          finished: 0,
        };
        if (outcome.inputs.length === 0) return this.#act(runId, (action, s, ctx) => action.resume!(s, run.input, { type: 'children', results: [] }, ctx));
        return this.#fillChildren(runId);
    }
  }

  /** Starts child runs while there are items left and room under MaxConcurrency. */
  #fillChildren(parentId: string): void {
    for (;;) {
      const parent = this.#engine.runs[parentId];
      const wait = parent?.wait;
      if (!parent || wait?.type !== 'children' || wait.started >= wait.inputs.length) return;
      if (wait.maxConcurrency > 0 && wait.started - wait.finished >= wait.maxConcurrency) return;
      const index = wait.started++;
      const state = this.#stateOf(parent);
      const nested = nestedMachines(state);
      const { path, machine } = nested.length === 1 ? nested[0]! : nested[index]!;
      const childId = `${parentId}/${parent.entries}:${parent.state}[${index}]`;
      this.#engine.runs[childId] = newRun([...parent.machine, 'States', parent.state, ...path], { run: parentId, index }, this.now);
      this.#enter(childId, machine.StartAt, wait.inputs[index]!);
    }
  }

  #finishRun(runId: string, output: Json): void {
    const run = this.#run(runId);
    delete this.#engine.runs[runId];
    if (!run.parent) return this.#end('Succeeded', { output });
    const parentId = run.parent.run;
    const parent = this.#engine.runs[parentId];
    if (parent?.wait?.type !== 'children') return;
    const wait = parent.wait;
    wait.results[run.parent.index] = output;
    wait.finished += 1;
    if (wait.finished < wait.inputs.length) return this.#fillChildren(parentId);
    parent.wait = undefined;
    this.#act(parentId, (action, state, ctx) => action.resume!(state, parent.input, { type: 'children', results: wait.results as Json[] }, ctx));
  }

  /** A run failed with nothing to catch it: the execution fails, or the Parallel/Map it is in fails with its error. */
  #failRun(runId: string, error: string, cause: string | undefined): void {
    const run = this.#run(runId);
    this.#deleteRun(runId);
    if (!run.parent) return this.#end('Failed', { error, ...(cause !== undefined && { cause }) });
    const parentId = run.parent.run;
    const parent = this.#engine.runs[parentId];
    if (parent?.wait?.type !== 'children') return;
    for (const id of Object.keys(this.#engine.runs)) if (this.#engine.runs[id]?.parent?.run === parentId) this.#deleteRun(id);
    parent.wait = undefined;
    this.#stateFailed(parentId, error, cause);
  }

  /** A state failed: its first matching retrier with attempts left schedules a retry, else its first matching catcher takes over, else the run fails. */
  #stateFailed(runId: string, error: string, cause: string | undefined): void {
    const run = this.#run(runId);
    const state = this.#stateOf(run);
    const detail = { error, ...(cause !== undefined && { cause }) };
    const retriers = 'Retry' in state ? (state.Retry ?? []) : [];
    const r = retriers.findIndex((x) => errorMatches(x.ErrorEquals, error));
    const retrier = retriers[r];
    if (retrier && (run.retries[r] ?? 0) < retrier.MaxAttempts) {
      const used = run.retries[r] ?? 0;
      run.retries[r] = used + 1;
      const delay = Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** used, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
      const timerId = `${runId}/${run.entries}:${run.state}#${run.attempt}@retry`;
      run.wait = { type: 'timer', timerId, purpose: 'retry' };
      this.#setTimer(timerId, delay);
      return this.#record({ type: 'RetryScheduled', ...this.#at(runId), ...detail });
    }
    const catcher = ('Catch' in state ? (state.Catch ?? []) : []).find((c) => errorMatches(c.ErrorEquals, error));
    if (catcher) {
      let output: Json;
      try {
        output = caughtOutput(run.input, catcher.ResultPath, error, cause);
      } catch (err) {
        if (!(err instanceof StateFailure)) throw err;
        return this.#failRun(runId, err.error, err.causeText);
      }
      this.#record({ type: 'Caught', ...this.#at(runId), ...detail, output });
      return this.#enter(runId, catcher.Next, output);
    }
    this.#record({ type: 'StateExited', ...this.#at(runId), ...detail });
    this.#failRun(runId, error, cause);
  }

  #exit(runId: string, output: Json): void {
    this.#record({ type: 'StateExited', ...this.#at(runId), output });
  }

  #end(phase: 'Succeeded' | 'Failed' | 'TimedOut', result: { output?: Json; error?: string; cause?: string }): void {
    Object.assign(this.status, { phase, completionTime: this.now.toISOString(), ...result });
    this.#record({ type: `Execution${phase}`, ...result });
    this.#engine.runs = {};
    this.#engine.timers = {};
    // Nothing of this step is left to do; calls published earlier finish on their own and their results are stale.
    this.#commands.length = 0;
  }

  #deleteRun(runId: string): void {
    const run = this.#engine.runs[runId];
    if (!run) return;
    if (run.wait && 'timerId' in run.wait) delete this.#engine.timers[run.wait.timerId];
    delete this.#engine.runs[runId];
    for (const id of Object.keys(this.#engine.runs)) if (this.#engine.runs[id]?.parent?.run === runId) this.#deleteRun(id);
  }

  #setTimer(timerId: string, seconds: number): void {
    const at = new Date(this.now.getTime() + Math.max(0, seconds) * 1000).toISOString();
    this.#engine.timers[timerId] = at;
    this.#commands.push({ type: 'SetTimer', timerId, at });
  }

  #record(event: Omit<HistoryEvent, 'time'>): void {
    this.status.history.push({ time: this.now.toISOString(), ...event });
  }

  #at(runId: string): Pick<HistoryEvent, 'run' | 'state' | 'entry' | 'attempt'> {
    const run = this.#run(runId);
    return { run: runId, state: run.state, entry: run.entries, attempt: run.attempt };
  }

  #run(runId: string): Run {
    const run = this.#engine.runs[runId];
    if (!run) throw new Error(`engine: no run ${runId}`);
    return run;
  }

  #stateOf(run: Run): State {
    const state = machineAt(this.#engine.definition, run.machine).States[run.state];
    if (!state) throw new Error(`engine: no state ${run.state}`);
    return state;
  }

  #context(run: Run): Json {
    return {
      Execution: { Id: this.info.id, Input: this.info.input, StartTime: this.status.startTime },
      State: { Name: run.state, EnteredTime: run.enteredAt, RetryCount: run.attempt - 1 },
    };
  }
}

function newRun(machine: Run['machine'], parent: Run['parent'], now: Date): Run {
  return { machine, ...(parent && { parent }), state: '', input: null, enteredAt: now.toISOString(), entries: 0, attempt: 0, retries: [] };
}

/** The machine at a path such as `['States', 'Fan', 'Branches', 1]` inside the definition. */
export function machineAt(root: StateMachine, path: Run['machine']): StateMachine {
  let machine = root;
  for (let i = 0; i < path.length; ) {
    const state = path[i] === 'States' ? machine.States[String(path[i + 1])] : undefined;
    const rest = path.slice(i + 2);
    const nested = state && nestedMachines(state).find((n) => n.path.every((p, j) => rest[j] === p));
    if (!nested) throw new Error(`engine: no machine at ${path.join('.')}`);
    machine = nested.machine;
    i += 2 + nested.path.length;
  }
  return machine;
}
