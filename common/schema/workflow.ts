import { z } from 'zod';
import { formatFieldPath } from './field-path.js';
import { functionTriggerSchema } from './function.js';
import { objectMetaSchema } from './meta.js';
import { jsonSchema, stateMachineSchema } from './states-language.js';
import { checkStateMachine, taskResources } from './states-language-checks.js';
import { executionEngineStateSchema } from './workflow-engine-state.js';

/** A workflow of Functions, defined in Git in the Amazon States Language (the subset states-language.ts describes). */
export const workflowSchema = z
  .strictObject({
    apiVersion: z.literal('minik8s.io/v1'),
    kind: z.literal('Workflow'),
    metadata: objectMetaSchema,
    spec: z.strictObject({
      definition: stateMachineSchema,
      /** The same triggers as a Function's (schedule, kafka, git): each event starts an execution with its body as input. */
      triggers: z.array(functionTriggerSchema).optional(),
    }),
    status: z.looseObject({}).optional(),
  })
  .superRefine((w, ctx) => {
    for (const i of checkStateMachine(w.spec.definition))
      if (i.severity === 'error') ctx.addIssue({ code: 'custom', path: ['spec', 'definition', ...i.path], message: i.message });
  });
export type Workflow = z.infer<typeof workflowSchema>;

/** The label every Execution carries: `mkctl get executions -l workflow=NAME`. */
export const LABEL_WORKFLOW = 'workflow';

export const executionPhaseSchema = z.enum(['Running', 'Succeeded', 'Failed', 'TimedOut']);
export type ExecutionPhase = z.infer<typeof executionPhaseSchema>;

/** One entry of an execution's history, as Step Functions' console lists them. */
export const historyEventSchema = z.object({
  time: z.string(),
  type: z.enum([
    'ExecutionStarted',
    'StateEntered',
    'StateExited',
    'TaskScheduled',
    'TaskSucceeded',
    'TaskFailed',
    'RetryScheduled',
    'Caught',
    'ExecutionSucceeded',
    'ExecutionFailed',
    'ExecutionTimedOut',
  ]),
  /** The run the event belongs to: `root`, or a Parallel branch's or Map item's run. */
  run: z.string().optional(),
  state: z.string().optional(),
  /** Which entry of this state in its run (a state a loop goes through is entered more than once). */
  entry: z.number().int().optional(),
  attempt: z.number().int().optional(),
  stepId: z.string().optional(),
  input: jsonSchema.optional(),
  output: jsonSchema.optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/**
 * One run of a Workflow: created by whoever starts it (the gateway, mkctl, a trigger) with the input;
 * the workflow executor writes the status — where it is, what it waits for and its history.
 */
export const executionSchema = z.strictObject({
  apiVersion: z.literal('minik8s.io/v1'),
  kind: z.literal('Execution'),
  metadata: objectMetaSchema,
  spec: z.strictObject({
    workflow: z.string().min(1),
    input: jsonSchema.default({}),
    /** What started it: `http`, `cli`, `schedule`, `kafka`, `git`. */
    startedBy: z.string().optional(),
  }),
  status: z
    .object({
      phase: executionPhaseSchema,
      startTime: z.string(),
      completionTime: z.string().optional(),
      output: jsonSchema.optional(),
      error: z.string().optional(),
      cause: z.string().optional(),
      history: z.array(historyEventSchema),
      /** Where the engine stands; absent when the execution could not start (its workflow does not exist). */
      engine: executionEngineStateSchema.optional(),
    })
    .optional(),
});
export type Execution = z.infer<typeof executionSchema>;

/** Every Function a workflow's Task states name. */
export function workflowFunctions(w: Workflow): Array<{ name: string; path: string }> {
  return taskResources(w.spec.definition).map((r) => ({ name: r.name, path: formatFieldPath(['spec', 'definition', ...r.path]) }));
}
