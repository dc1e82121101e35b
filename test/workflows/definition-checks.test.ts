import test from 'ava';
import { isKind } from '../../common/schema/index.js';
import { loadManifests } from '../../reconciler/sync/manifest-loader.js';

/** A Workflow manifest whose States block is `states` (indented under `States:`). */
function workflow(states: string, startAt = 'A', name = 'wf'): string {
  return `apiVersion: minik8s.io/v1
kind: Workflow
metadata:
  name: ${name}
spec:
  definition:
    StartAt: ${startAt}
    States:
${states
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;
}

const load = (content: string, partial = false) => loadManifests([{ path: 'flows/wf.yaml', content }], { partial });

test('a valid workflow loads with no errors', (t) => {
  const r = load(
    workflow(`
A:
  Type: Pass
  Next: B
B:
  Type: Choice
  Choices:
    - Variable: $.x
      NumericGreaterThan: 1
      Next: C
  Default: C
C:
  Type: Succeed
`),
  );
  t.deepEqual(r.errors, []);
  t.deepEqual(r.warnings, []);
  t.is(r.objects[0]?.object.kind, 'Workflow');
});

test('an unknown Next is refused with file, line and the state’s path', (t) => {
  const r = load(
    workflow(`
A:
  Type: Pass
  Next: Nowhere
`),
  );
  t.deepEqual(r.failedFiles, ['flows/wf.yaml']);
  t.like(r.errors[0], { file: 'flows/wf.yaml', line: 11, path: 'spec.definition.States.A.Next' });
  t.regex(r.errors[0]!.message, /names no state "Nowhere"/);
});

test('a state nobody reaches is refused', (t) => {
  const r = load(
    workflow(`
A:
  Type: Succeed
Lost:
  Type: Pass
  End: true
`),
  );
  t.like(r.errors[0], { path: 'spec.definition.States.Lost', line: 12 });
  t.regex(r.errors[0]!.message, /never reached/);
});

test('a Choice whose every way loops back is refused; one without a Default is a warning', (t) => {
  const looping = load(
    workflow(`
A:
  Type: Choice
  Choices:
    - Variable: $.n
      NumericLessThan: 3
      Next: B
  Default: B
B:
  Type: Pass
  Next: A
`),
  );
  t.true(looping.errors.some((e) => e.path === 'spec.definition.States.A' && /no way out/.test(e.message)));
  const noDefault = load(
    workflow(`
A:
  Type: Choice
  Choices:
    - Variable: $.n
      IsPresent: true
      Next: B
B:
  Type: Succeed
`),
  );
  t.deepEqual(noDefault.errors, []);
  t.like(noDefault.warnings[0], { path: 'spec.definition.States.A', line: 10 });
  t.regex(noDefault.warnings[0]!.message, /States.NoChoiceMatched/);
});

test('States.ALL anywhere but alone in the last retrier or catcher is refused', (t) => {
  const r = load(
    workflow(`
A:
  Type: Task
  Resource: f
  Retry:
    - ErrorEquals: [States.ALL]
    - ErrorEquals: [Timeout]
  Catch:
    - ErrorEquals: [States.ALL, Other]
      Next: B
  End: true
B:
  Type: Succeed
`),
  );
  t.deepEqual(
    r.errors.filter((e) => /States.ALL/.test(e.message)).map((e) => [e.path, e.line]),
    [
      ['spec.definition.States.A.Retry[0].ErrorEquals', 13],
      ['spec.definition.States.A.Catch[0].ErrorEquals', 16],
    ],
  );
});

test('mistakes inside Parallel branches and Map processors are found with their full path', (t) => {
  const r = load(
    workflow(`
A:
  Type: Parallel
  Branches:
    - StartAt: X
      States:
        X:
          Type: Pass
          Next: Y
  End: true
`),
  );
  t.like(r.errors[0], { path: 'spec.definition.States.A.Branches[0].States.X.Next', line: 16 });
});

test('a structural mistake (a Task with no Resource, a rule with two comparisons) names the field', (t) => {
  const r = load(
    workflow(`
A:
  Type: Task
  End: true
`),
  );
  t.like(r.errors[0], { path: 'spec.definition.States.A.Resource' });
});

const withFunctionKind = isKind('Function') ? test : test.skip;
const taskFlow = workflow(`
A:
  Type: Task
  Resource: thumbnail
  End: true
`);

withFunctionKind('a Task naming a Function the pushed tree lacks is refused; in a partial apply it is a warning', (t) => {
  const full = load(taskFlow);
  t.like(full.errors[0], { path: 'spec.definition.States.A.Resource', line: 11 });
  t.regex(full.errors[0]!.message, /Function "thumbnail"/);
  const partial = load(taskFlow, true);
  t.deepEqual(partial.errors, []);
  t.like(partial.warnings[0], { path: 'spec.definition.States.A.Resource', line: 11 });
});
