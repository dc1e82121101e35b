import { z } from 'zod';

/**
 * The subset of the Amazon States Language a Workflow's `spec.definition` is written in, with the
 * language's own field names. Structure is checked here; the graph (every `Next` names a state, every
 * state is reached, `States.ALL` comes last) is checked by ./states-language-checks.ts.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonSchema), z.record(z.string(), jsonSchema)]),
);

/** A JSONPath as the language uses it: `$`, `$.a.b`, `$.items[0]`, or `$$.` for the context object. */
const pathSchema = z.string().regex(/^\$/, 'must be a JSONPath starting with "$"');
/** InputPath and OutputPath may be null: the state then sees (or passes on) `{}`. */
const nullablePath = pathSchema.nullable().optional();

const errorEquals = z.array(z.string().min(1)).min(1);

export const retrierSchema = z.strictObject({
  ErrorEquals: errorEquals,
  IntervalSeconds: z.number().min(0).default(1),
  MaxAttempts: z.number().int().min(0).default(3),
  BackoffRate: z.number().min(1).default(2),
  /** Upper bound on one interval, as the language's later revision allows. */
  MaxDelaySeconds: z.number().min(0).optional(),
});
export type Retrier = z.infer<typeof retrierSchema>;

export const catcherSchema = z.strictObject({
  ErrorEquals: errorEquals,
  Next: z.string().min(1),
  ResultPath: pathSchema.nullable().optional(),
});
export type Catcher = z.infer<typeof catcherSchema>;

/** How a state ends: `Next` to another state, or `End: true`. Checked for each state that has one. */
const transition = { Next: z.string().min(1).optional(), End: z.literal(true).optional() };
const common = { Comment: z.string().optional() };
const io = { InputPath: nullablePath, OutputPath: nullablePath };
const resultIo = { ...io, ResultPath: pathSchema.nullable().optional(), ResultSelector: z.record(z.string(), jsonSchema).optional() };

/** Every comparison a Choice rule may make; each has a `…Path` twin comparing with another field of the input. */
export const stringComparisons = ['StringEquals', 'StringLessThan', 'StringGreaterThan', 'StringLessThanEquals', 'StringGreaterThanEquals'] as const;
export const numericComparisons = ['NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals'] as const;
export const timestampComparisons = [
  'TimestampEquals',
  'TimestampLessThan',
  'TimestampGreaterThan',
  'TimestampLessThanEquals',
  'TimestampGreaterThanEquals',
] as const;
export const typeTests = ['IsPresent', 'IsNull', 'IsString', 'IsNumeric', 'IsBoolean', 'IsTimestamp'] as const;

const comparisonFields = {
  ...Object.fromEntries(
    stringComparisons.flatMap((c) => [
      [c, z.string()],
      [`${c}Path`, pathSchema],
    ]),
  ),
  ...Object.fromEntries(
    timestampComparisons.flatMap((c) => [
      [c, z.string()],
      [`${c}Path`, pathSchema],
    ]),
  ),
  ...Object.fromEntries(
    numericComparisons.flatMap((c) => [
      [c, z.number()],
      [`${c}Path`, pathSchema],
    ]),
  ),
  StringMatches: z.string(),
  BooleanEquals: z.boolean(),
  BooleanEqualsPath: pathSchema,
  ...Object.fromEntries(typeTests.map((t) => [t, z.boolean()])),
} as Record<string, z.ZodType<string | number | boolean>>;
export const comparisonOperators = Object.keys(comparisonFields);

/** A rule: a `Variable` with exactly one comparison, or `And`/`Or` of rules, or `Not` of one. */
export interface ChoiceRule {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Next?: string;
  Comment?: string;
  [operator: string]: string | number | boolean | ChoiceRule | ChoiceRule[] | undefined;
}

export const choiceRuleSchema: z.ZodType<ChoiceRule> = z.lazy(() =>
  z
    .strictObject({
      Variable: pathSchema.optional(),
      And: z.array(choiceRuleSchema).min(1).optional(),
      Or: z.array(choiceRuleSchema).min(1).optional(),
      Not: choiceRuleSchema.optional(),
      Next: z.string().min(1).optional(),
      Comment: z.string().optional(),
      ...Object.fromEntries(Object.entries(comparisonFields).map(([k, s]) => [k, s.optional()])),
    })
    .superRefine((rule, ctx) => {
      const r = rule as Record<string, unknown>;
      const ops = comparisonOperators.filter((k) => r[k] !== undefined);
      const logical = ['And', 'Or', 'Not'].filter((k) => r[k] !== undefined);
      if (logical.length + (ops.length > 0 ? 1 : 0) !== 1 || ops.length > 1)
        ctx.addIssue({ code: 'custom', message: 'a rule takes exactly one comparison (with Variable), or one of And, Or, Not' });
      else if (ops.length === 1 && r.Variable === undefined) ctx.addIssue({ code: 'custom', path: [ops[0]!], message: 'needs a Variable to compare' });
      else if (logical.length === 1 && r.Variable !== undefined)
        ctx.addIssue({ code: 'custom', path: ['Variable'], message: `has no meaning beside ${logical[0]}` });
    }),
) as z.ZodType<ChoiceRule>;

export interface StateMachine {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}

const taskStateSchema = z.strictObject({
  Type: z.literal('Task'),
  ...common,
  ...transition,
  ...resultIo,
  /** The name of a Function in the Workflow's namespace. */
  Resource: z.string().min(1),
  Parameters: jsonSchema.optional(),
  TimeoutSeconds: z.number().int().min(1).optional(),
  Retry: z.array(retrierSchema).optional(),
  Catch: z.array(catcherSchema).optional(),
});

const passStateSchema = z.strictObject({
  Type: z.literal('Pass'),
  ...common,
  ...transition,
  ...io,
  ResultPath: pathSchema.nullable().optional(),
  Parameters: jsonSchema.optional(),
  Result: jsonSchema.optional(),
});

const waitStateSchema = z
  .strictObject({
    Type: z.literal('Wait'),
    ...common,
    ...transition,
    ...io,
    Seconds: z.number().min(0).optional(),
    SecondsPath: pathSchema.optional(),
    Timestamp: z.iso.datetime({ offset: true }).optional(),
    TimestampPath: pathSchema.optional(),
  })
  .refine((s) => [s.Seconds, s.SecondsPath, s.Timestamp, s.TimestampPath].filter((v) => v !== undefined).length === 1, {
    message: 'takes exactly one of Seconds, SecondsPath, Timestamp, TimestampPath',
  });

const choiceStateSchema = z.strictObject({
  Type: z.literal('Choice'),
  ...common,
  ...io,
  Choices: z.array(choiceRuleSchema).min(1),
  Default: z.string().min(1).optional(),
});

const succeedStateSchema = z.strictObject({ Type: z.literal('Succeed'), ...common, ...io });
const failStateSchema = z.strictObject({ Type: z.literal('Fail'), ...common, Error: z.string().optional(), Cause: z.string().optional() });

const stateMachineShape = {
  Comment: z.string().optional(),
  StartAt: z.string().min(1),
  TimeoutSeconds: z.number().int().min(1).optional(),
  get States(): z.ZodType<Record<string, State>> {
    return z.record(z.string().min(1).max(80), stateSchema).refine((s) => Object.keys(s).length > 0, { message: 'needs at least one state' });
  },
};
export const stateMachineSchema: z.ZodType<StateMachine> = z.strictObject(stateMachineShape);

const parallelStateSchema = z.strictObject({
  Type: z.literal('Parallel'),
  ...common,
  ...transition,
  ...resultIo,
  Parameters: jsonSchema.optional(),
  Branches: z.array(stateMachineSchema).min(1),
  Retry: z.array(retrierSchema).optional(),
  Catch: z.array(catcherSchema).optional(),
});

const mapStateSchema = z
  .strictObject({
    Type: z.literal('Map'),
    ...common,
    ...transition,
    ...resultIo,
    Parameters: jsonSchema.optional(),
    ItemsPath: pathSchema.optional(),
    /** Shapes each item's input; `$$.Map.Item.Value` and `$$.Map.Item.Index` name the item. */
    ItemSelector: z.record(z.string(), jsonSchema).optional(),
    ItemProcessor: stateMachineSchema.optional(),
    /** The language's older name for ItemProcessor. */
    Iterator: stateMachineSchema.optional(),
    MaxConcurrency: z.number().int().min(0).default(0),
    Retry: z.array(retrierSchema).optional(),
    Catch: z.array(catcherSchema).optional(),
  })
  .refine((s) => (s.ItemProcessor === undefined) !== (s.Iterator === undefined), { message: 'takes exactly one of ItemProcessor, Iterator' });

export const stateSchema = z.discriminatedUnion('Type', [
  taskStateSchema,
  passStateSchema,
  waitStateSchema,
  choiceStateSchema,
  succeedStateSchema,
  failStateSchema,
  parallelStateSchema,
  mapStateSchema,
]);
export type TaskState = z.infer<typeof taskStateSchema>;
export type PassState = z.infer<typeof passStateSchema>;
export type WaitState = z.infer<typeof waitStateSchema>;
export type ChoiceState = z.infer<typeof choiceStateSchema>;
export type SucceedState = z.infer<typeof succeedStateSchema>;
export type FailState = z.infer<typeof failStateSchema>;
export type ParallelState = z.infer<typeof parallelStateSchema>;
export type MapState = z.infer<typeof mapStateSchema>;
export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState | ParallelState | MapState;
export type StateType = State['Type'];

/** The state machine a Map runs for each item. */
export function itemProcessor(state: MapState): StateMachine {
  return (state.ItemProcessor ?? state.Iterator)!;
}

/** The machines nested in a state (a Parallel's branches, a Map's processor), with their field paths. */
export function nestedMachines(state: State): Array<{ path: Array<string | number>; machine: StateMachine }> {
  if (state.Type === 'Parallel') return state.Branches.map((machine, i) => ({ path: ['Branches', i], machine }));
  if (state.Type === 'Map') return [{ path: [state.ItemProcessor ? 'ItemProcessor' : 'Iterator'], machine: itemProcessor(state) }];
  return [];
}
