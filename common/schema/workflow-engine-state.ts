import { z } from 'zod';
import { jsonSchema, stateMachineSchema } from './states-language.js';

/**
 * Where an execution stands, as the workflow engine keeps it in the Execution's status: plain data,
 * so that the executor can stop at any moment and the next one carries on from etcd.
 */

const machinePath = z.array(z.union([z.string(), z.number()]));

/** What a run is paused on. */
export const runWaitSchema = z.discriminatedUnion('type', [
  /** A Task's call, published as `stepId`; its deadline is the timer `timerId`. */
  z.object({ type: z.literal('task'), stepId: z.string(), resource: z.string(), timerId: z.string() }),
  /** A Wait state, or the interval before a retry. */
  z.object({ type: z.literal('timer'), timerId: z.string(), purpose: z.enum(['wait', 'retry']) }),
  /** A Parallel's branches or a Map's items: child runs `${run}/${index}`, results kept in order. */
  z.object({
    type: z.literal('children'),
    /** Input each child starts from; a Map with MaxConcurrency starts the later ones as earlier ones end. */
    inputs: z.array(jsonSchema),
    /** At most this many children at a time; 0: all at once. */
    maxConcurrency: z.number().int(),
    started: z.number().int(),
    results: z.array(jsonSchema.nullable()),
    finished: z.number().int(),
  }),
]);
export type RunWait = z.infer<typeof runWaitSchema>;

/** A thread of the execution: the root, or one Parallel branch or Map item, at one state. */
export const runSchema = z.object({
  /** Path inside the definition of the machine this run follows (`[]` for the root). */
  machine: machinePath,
  parent: z.object({ run: z.string(), index: z.number().int() }).optional(),
  state: z.string(),
  /** The current state's input, before its InputPath. */
  input: jsonSchema,
  enteredAt: z.string(),
  /** States entered so far in this run: makes step ids unique when a run goes through a state twice. */
  entries: z.number().int(),
  /** Attempt at the current state (1 on entry, +1 per retry). */
  attempt: z.number().int(),
  /** Retries used so far per retrier of the current state. */
  retries: z.array(z.number().int()),
  /** What the run is paused on; none while it is moving. */
  wait: runWaitSchema.optional(),
});
export type Run = z.infer<typeof runSchema>;

/** Something the executor must do for the engine; kept until done, so that a crash in between does it again. */
export const engineCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Invoke'), stepId: z.string(), resource: z.string(), input: jsonSchema, timeoutSeconds: z.number() }),
  z.object({ type: z.literal('SetTimer'), timerId: z.string(), at: z.string() }),
]);
export type EngineCommand = z.infer<typeof engineCommandSchema>;

export const executionEngineStateSchema = z.object({
  /** The definition as it was when the execution started: a later push does not change a running execution. */
  definition: stateMachineSchema,
  runs: z.record(z.string(), runSchema),
  /** Every timer armed and not yet fired, by id, with its due time. */
  timers: z.record(z.string(), z.string()),
  /** Commands of the last step not yet confirmed done. */
  outbox: z.array(engineCommandSchema),
});
export type ExecutionEngineState = z.infer<typeof executionEngineStateSchema>;
