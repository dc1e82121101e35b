import test from 'ava';
import type { Json } from '../../common/schema/index.js';
import { applyEvent, startExecution } from '../../reconciler/workflows/engine/engine.js';
import { definition, drive, LOST, raise, T0 } from './engine-driver.js';

const obj = (v: Json) => v as Record<string, Json>;

test('a chain passes each step’s output on as the next step’s input', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: 'add', Next: 'B' },
      B: { Type: 'Task', Resource: 'add', Next: 'C' },
      C: { Type: 'Task', Resource: 'add', End: true },
    },
  });
  const { status, calls } = drive(def, { n: 1 }, { add: (i) => ({ n: (obj(i).n as number) + 1 }) });
  t.is(status.phase, 'Succeeded');
  t.deepEqual(status.output, { n: 4 });
  t.deepEqual(
    calls.map((c) => c.input),
    [{ n: 1 }, { n: 2 }, { n: 3 }],
  );
  t.deepEqual(status.engine.runs, {});
  t.deepEqual(status.engine.timers, {});
});

test('InputPath, Parameters, ResultSelector, ResultPath and OutputPath shape the data in that order', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'echo',
        InputPath: '$.job',
        Parameters: { 'file.$': '$.path', fixed: 1, 'exec.$': '$$.Execution.Id' },
        ResultSelector: { 'size.$': '$.body.size' },
        ResultPath: '$.meta',
        OutputPath: '$.meta',
        End: true,
      },
    },
  });
  const { status, calls } = drive(def, { job: { path: '/a.png' }, other: true }, { echo: (i) => ({ body: { size: 7, echoed: i } }) });
  t.deepEqual(calls[0]!.input, { file: '/a.png', fixed: 1, exec: 'default/test-exec' });
  t.deepEqual(status.output, { size: 7 });
});

test('ResultPath places the result beside the input; null keeps the input; a Pass Result is used as is', (t) => {
  const def = definition({
    StartAt: 'P',
    States: {
      P: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.deep.r', Next: 'Q' },
      Q: { Type: 'Pass', Result: 'ignored', ResultPath: null, Next: 'R' },
      R: { Type: 'Pass', InputPath: null, End: true, ResultPath: '$.empty' },
    },
  });
  const { status } = drive(def, { a: 1 }, {});
  t.deepEqual(status.output, { a: 1, deep: { r: { x: 1 } }, empty: {} });
});

const choice = definition({
  StartAt: 'Pick',
  States: {
    Pick: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.format', StringEquals: 'png', Next: 'Png' },
        {
          And: [
            { Variable: '$.size', NumericGreaterThan: 1000 },
            { Variable: '$.size', NumericLessThanEquals: 5000 },
          ],
          Next: 'Medium',
        },
        {
          Or: [
            { Variable: '$.big', BooleanEquals: true },
            { Variable: '$.size', NumericGreaterThanPath: '$.limit' },
          ],
          Next: 'Big',
        },
        { Not: { Variable: '$.name', IsPresent: true }, Next: 'Anonymous' },
        { Variable: '$.name', StringMatches: 'img-*.jpg', Next: 'Matched' },
        { Variable: '$.taken', TimestampLessThan: '2020-01-01T00:00:00Z', Next: 'Old' },
      ],
      Default: 'Other',
    },
    Png: { Type: 'Succeed' },
    Medium: { Type: 'Succeed' },
    Big: { Type: 'Succeed' },
    Anonymous: { Type: 'Succeed' },
    Matched: { Type: 'Succeed' },
    Old: { Type: 'Succeed' },
    Other: { Type: 'Succeed' },
  },
});

const branchCases: Array<[Json, string]> = [
  [{ format: 'png', name: 'x' }, 'Png'],
  [{ format: 'jpeg', size: 2000, name: 'x' }, 'Medium'],
  [{ size: 9000, limit: 100, name: 'x' }, 'Big'],
  [{ big: true, name: 'x' }, 'Big'],
  [{ size: 10 }, 'Anonymous'],
  [{ name: 'img-42.jpg' }, 'Matched'],
  [{ name: 'x', taken: '2019-05-01T10:00:00Z' }, 'Old'],
  [{ name: 'x', size: 'not a number' }, 'Other'],
];
for (const [input, branch] of branchCases)
  test(`Choice takes the ${branch} branch for ${JSON.stringify(input)}`, (t) => {
    const { status } = drive(choice, input, {});
    t.is(status.phase, 'Succeeded');
    t.is([...status.history].reverse().find((h) => h.type === 'StateEntered')?.state, branch);
  });

test('Choice with no matching rule and no Default fails with States.NoChoiceMatched', (t) => {
  const def = definition({
    StartAt: 'C',
    States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', StringEquals: 'x', Next: 'S' }] }, S: { Type: 'Succeed' } },
  });
  const { status } = drive(def, { a: 'y' }, {});
  t.is(status.phase, 'Failed');
  t.is(status.error, 'States.NoChoiceMatched');
});

test('Fail ends the execution with its Error and Cause', (t) => {
  const { status } = drive(definition({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Bad.Input', Cause: 'no image' } } }), {}, {});
  t.like(status, { phase: 'Failed', error: 'Bad.Input', cause: 'no image' });
});

test('Wait sleeps for Seconds, SecondsPath, or until a Timestamp', (t) => {
  const def = definition({
    StartAt: 'W1',
    States: {
      W1: { Type: 'Wait', Seconds: 5, Next: 'W2' },
      W2: { Type: 'Wait', SecondsPath: '$.delay', Next: 'W3' },
      W3: { Type: 'Wait', Timestamp: '2026-01-01T00:01:00Z', End: true },
    },
  });
  const { status, now } = drive(def, { delay: 10 }, {});
  t.is(status.phase, 'Succeeded');
  t.is(now, T0 + 60_000);
  const w2 = status.history.find((h) => h.type === 'StateEntered' && h.state === 'W2')!;
  t.is(Date.parse(w2.time), T0 + 5000);
});

test('Retry recovers a function that fails twice, waiting IntervalSeconds × BackoffRate^n between attempts', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }], End: true },
    },
  });
  const { status, calls } = drive(def, {}, { flaky: (_i, c) => (c.attempt <= 2 ? raise('ConnectionError', 'down') : { ok: c.attempt }) });
  t.is(status.phase, 'Succeeded');
  t.deepEqual(status.output, { ok: 3 });
  t.deepEqual(
    calls.map((c) => c.at - T0),
    [0, 1000, 3000],
  );
  t.deepEqual(new Set(calls.map((c) => c.stepId)).size, 3, 'each attempt has its own step id');
  t.deepEqual(
    status.history.filter((h) => h.type === 'StateEntered').map((h) => h.attempt),
    [1, 2, 3],
  );
});

test('when retries run out, a Catch routes the error to its Next with {Error, Cause} at its ResultPath', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'broken',
        Retry: [{ ErrorEquals: ['ValueError'], MaxAttempts: 1, IntervalSeconds: 0 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handle', ResultPath: '$.error' }],
        End: true,
      },
      Handle: { Type: 'Pass', End: true },
    },
  });
  const { status, calls } = drive(def, { image: 'x' }, { broken: () => raise('ValueError', 'cannot decode') });
  t.is(calls.length, 2);
  t.is(status.phase, 'Succeeded');
  t.deepEqual(status.output, { image: 'x', error: { Error: 'ValueError', Cause: 'cannot decode' } });
});

test('the first matching retrier counts its own attempts; States.ALL in a later one catches the rest', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'f',
        Retry: [
          { ErrorEquals: ['Throttled'], MaxAttempts: 2, IntervalSeconds: 0 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 0 },
        ],
        End: true,
      },
    },
  });
  const errors = ['Throttled', 'Other', 'Throttled', 'Other'];
  const { status, calls } = drive(def, {}, { f: (_i, c) => raise(errors[c.attempt - 1] ?? 'Last', 'x') });
  t.is(calls.length, 4);
  t.like(status, { phase: 'Failed', error: 'Other' });
});

test('a Task whose result never arrives times out with States.Timeout and is retried; States.TaskFailed does not match a timeout', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'slow',
        TimeoutSeconds: 2,
        Retry: [
          { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 5 },
          { ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 1 },
        ],
        End: true,
      },
    },
  });
  const { status, calls } = drive(def, {}, { slow: (_i, c) => (c.attempt === 1 ? LOST : 'done') });
  t.is(status.phase, 'Succeeded');
  t.deepEqual(
    calls.map((c) => c.at - T0),
    [0, 3000],
  );
  t.true(status.history.some((h) => h.type === 'TaskFailed' && h.error === 'States.Timeout'));
});

test('Parallel outputs its branches’ results in branch order, whatever order they finish in', (t) => {
  const def = definition({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'slow', End: true } } },
          {
            StartAt: 'Fast',
            States: { Fast: { Type: 'Task', Resource: 'fast', Next: 'Shape' }, Shape: { Type: 'Pass', Parameters: { 'fast.$': '$' }, End: true } },
          },
        ],
        ResultPath: '$.results',
        End: true,
      },
    },
  });
  const { status } = drive(def, { id: 1 }, { slow: () => 'S', fast: () => 'F' }, { latencyMs: (r) => (r === 'slow' ? 500 : 10) });
  t.deepEqual(status.output, { id: 1, results: ['S', { fast: 'F' }] });
});

test('a failing branch fails the Parallel, stops the other branches, and the Parallel’s Catch takes it', (t) => {
  const def = definition({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Bad', States: { Bad: { Type: 'Task', Resource: 'bad', End: true } } },
          { StartAt: 'Long', States: { Long: { Type: 'Task', Resource: 'long', Next: 'Again' }, Again: { Type: 'Task', Resource: 'long', End: true } } },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }],
        End: true,
      },
      Recovered: { Type: 'Pass', End: true },
    },
  });
  const { status, calls } = drive(def, {}, { bad: () => raise('Boom', 'x'), long: () => 'ok' }, { latencyMs: (r) => (r === 'bad' ? 10 : 1000) });
  t.is(status.phase, 'Succeeded');
  t.deepEqual(status.output, { Error: 'Boom', Cause: 'x' });
  t.is(calls.filter((c) => c.resource === 'long').length, 1, 'the cancelled branch goes no further');
});

test('Map runs its processor per item, at most MaxConcurrency at once, and keeps the items’ order', (t) => {
  const def = definition({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
        ItemProcessor: { StartAt: 'Sq', States: { Sq: { Type: 'Task', Resource: 'square', End: true } } },
        End: true,
      },
    },
  });
  const items = [5, 1, 4, 2, 3];
  const { status, maxInFlight } = drive(
    def,
    { items, tag: 't' },
    { square: (i) => `${obj(i).tag}${obj(i).index}:${(obj(i).value as number) ** 2}` },
    { latencyMs: (_r, i) => (obj(i).value as number) * 100 },
  );
  t.deepEqual(status.output, ['t0:25', 't1:1', 't2:16', 't3:4', 't4:9']);
  t.is(maxInFlight.square, 2);
});

test('Map over an empty list outputs an empty list', (t) => {
  const def = definition({
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Task', Resource: 'x', End: true } } }, End: true } },
  });
  t.deepEqual(drive(def, [], { x: () => 1 }).status.output, []);
});

test('a path that selects nothing fails with States.Runtime, which States.ALL does not retry', (t) => {
  const def = definition({
    StartAt: 'A',
    States: { A: { Type: 'Task', Resource: 'f', InputPath: '$.missing', Retry: [{ ErrorEquals: ['States.ALL'] }], End: true } },
  });
  const { status, calls } = drive(def, {}, { f: () => 1 });
  t.like(status, { phase: 'Failed', error: 'States.Runtime' });
  t.is(calls.length, 0);
});

test('an execution past its TimeoutSeconds ends TimedOut and stale results change nothing', (t) => {
  const def = definition({ StartAt: 'A', TimeoutSeconds: 3, States: { A: { Type: 'Task', Resource: 'f', TimeoutSeconds: 100, End: true } } });
  const { status } = drive(def, {}, { f: () => LOST });
  t.like(status, { phase: 'TimedOut', error: 'States.Timeout' });
  const late = applyEvent(status, { id: 'x', input: {} }, { type: 'TaskSucceeded', stepId: 'root/1:A#1', output: 1 }, new Date());
  t.false(late.applied);
});

test('a loop that never pauses fails the execution instead of spinning', (t) => {
  const def = definition({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'End' }], Default: 'A' },
      End: { Type: 'Succeed' },
    },
  });
  t.like(drive(def, {}, {}).status, { phase: 'Failed', error: 'States.Runtime' });
});

test('the same event on the same status gives the same status and commands; a duplicate result is ignored', (t) => {
  const def = definition({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'f', Next: 'B' }, B: { Type: 'Task', Resource: 'f', End: true } } });
  const info = { id: 'default/e', input: { v: 1 } };
  const s0 = startExecution(def, info, new Date(T0));
  const [invoke] = s0.engine.outbox;
  t.is(invoke?.type, 'Invoke');
  const event = { type: 'TaskSucceeded' as const, stepId: invoke?.type === 'Invoke' ? invoke.stepId : '', output: { v: 2 } };
  const a = applyEvent(s0, info, event, new Date(T0 + 5));
  const b = applyEvent(s0, info, event, new Date(T0 + 5));
  t.deepEqual(a, b);
  t.deepEqual(
    a.status.engine.outbox.map((c) => c.type),
    ['Invoke', 'SetTimer'],
  );
  t.false(applyEvent(a.status, info, event, new Date(T0 + 6)).applied);
  t.is(s0.history.length, 3, 'the input status is not changed');
});

test('a loop through a Task gives every visit its own step id', (t) => {
  const def = definition({
    StartAt: 'Inc',
    States: {
      Inc: { Type: 'Task', Resource: 'inc', Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 3, Next: 'Inc' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const { status, calls } = drive(def, { n: 0 }, { inc: (i) => ({ n: (obj(i).n as number) + 1 }) });
  t.deepEqual(status.output, { n: 3 });
  t.is(new Set(calls.map((c) => c.stepId)).size, 3);
});
