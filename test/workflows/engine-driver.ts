import { type Json, type StateMachine, stateMachineSchema } from '../../common/schema/index.js';
import { applyEvent, type EngineEvent, type ExecutionStatus, startExecution } from '../../reconciler/workflows/engine/engine.js';

/** A fake function: answers, throws (an Error whose name is the error type), or returns LOST (its result never arrives). */
export type FakeFunction = (input: Json, call: { stepId: string; attempt: number }) => Json | typeof LOST;
export const LOST = Symbol('lost');

export interface DriverCall {
  resource: string;
  stepId: string;
  input: Json;
  at: number;
}

export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A definition as Git would give it: parsed by the schema, with its defaults. */
export function definition(raw: unknown): StateMachine {
  return stateMachineSchema.parse(raw);
}

/**
 * Runs an execution to its end the way the executor does, without Kafka: each Invoke calls a fake
 * function (its answer arrives `latencyMs` of virtual time later), each SetTimer is kept, and time
 * jumps to the next due timer when nothing else is pending. Deterministic: no real clock.
 */
export function drive(
  def: StateMachine,
  input: Json,
  functions: Record<string, FakeFunction>,
  opts: { latencyMs?: (resource: string, input: Json) => number } = {},
): { status: ExecutionStatus; calls: DriverCall[]; maxInFlight: Record<string, number>; now: number } {
  let now = T0;
  const info = { id: 'default/test-exec', input };
  const pending: Array<{ at: number; event: EngineEvent; resource: string }> = [];
  const timers = new Map<string, number>();
  const calls: DriverCall[] = [];
  const attempts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight: Record<string, number> = {};
  const perform = (status: ExecutionStatus) => {
    for (const c of status.engine.outbox) {
      if (c.type === 'SetTimer') {
        timers.set(c.timerId, Date.parse(c.at));
        continue;
      }
      const fn = functions[c.resource];
      if (!fn) throw new Error(`no fake function ${c.resource}`);
      const attempt = (attempts.get(c.resource) ?? 0) + 1;
      attempts.set(c.resource, attempt);
      calls.push({ resource: c.resource, stepId: c.stepId, input: c.input, at: now });
      inFlight.set(c.resource, (inFlight.get(c.resource) ?? 0) + 1);
      maxInFlight[c.resource] = Math.max(maxInFlight[c.resource] ?? 0, inFlight.get(c.resource)!);
      const at = now + (opts.latencyMs?.(c.resource, c.input) ?? 0);
      let event: EngineEvent;
      try {
        const output = fn(c.input, { stepId: c.stepId, attempt });
        if (output === LOST) continue;
        event = { type: 'TaskSucceeded', stepId: c.stepId, output };
      } catch (err) {
        const e = err as Error;
        event = { type: 'TaskFailed', stepId: c.stepId, error: e.name, cause: e.message };
      }
      pending.push({ at, event, resource: c.resource });
    }
  };
  let status = startExecution(def, info, new Date(now));
  perform(status);
  for (let n = 0; status.phase === 'Running'; n++) {
    if (n > 10_000) throw new Error('driver: too many events');
    pending.sort((a, b) => a.at - b.at);
    const nextTimer = [...timers.entries()].sort((a, b) => a[1] - b[1])[0];
    const nextResult = pending[0];
    let event: EngineEvent;
    if (nextResult && (!nextTimer || nextResult.at <= nextTimer[1])) {
      pending.shift();
      inFlight.set(nextResult.resource, inFlight.get(nextResult.resource)! - 1);
      now = Math.max(now, nextResult.at);
      event = nextResult.event;
    } else if (nextTimer) {
      timers.delete(nextTimer[0]);
      now = Math.max(now, nextTimer[1]);
      event = { type: 'TimerFired', timerId: nextTimer[0] };
    } else throw new Error('driver: execution is stuck with nothing pending');
    const r = applyEvent(status, info, event, new Date(now));
    status = r.status;
    if (r.applied) perform(status);
  }
  return { status, calls, maxInFlight, now };
}

/** A function error with a type name, as the runtime reports one. */
export function raise(name: string, message: string): never {
  const e = new Error(message);
  e.name = name;
  throw e;
}
