import { type ChoiceRule, nestedMachines, type State, type StateMachine } from './states-language.js';

/** One finding about a definition, at a field path relative to the definition. */
export interface DefinitionIssue {
  path: Array<string | number>;
  message: string;
  severity: 'error' | 'warning';
}

export const ERROR_ALL = 'States.ALL';

/** Where each state can go next, with the field naming the target (for locating mistakes). */
function transitions(state: State): Array<{ target: string; path: Array<string | number> }> {
  const out: Array<{ target: string; path: Array<string | number> }> = [];
  if ('Next' in state && state.Next !== undefined) out.push({ target: state.Next, path: ['Next'] });
  if (state.Type === 'Choice') {
    state.Choices.forEach((c, i) => c.Next !== undefined && out.push({ target: c.Next, path: ['Choices', i, 'Next'] }));
    if (state.Default !== undefined) out.push({ target: state.Default, path: ['Default'] });
  }
  if ('Catch' in state) state.Catch?.forEach((c, i) => out.push({ target: c.Next, path: ['Catch', i, 'Next'] }));
  return out;
}

function isTerminal(state: State): boolean {
  return state.Type === 'Succeed' || state.Type === 'Fail' || ('End' in state && state.End === true);
}

/**
 * Checks a state machine's graph, recursively into Parallel branches and Map processors: every
 * transition names a state, every state is reached from StartAt, every state has a way to an end,
 * each Choice rule has a Next (and nested rules none), and `States.ALL` stands alone in the last
 * retrier or catcher.
 */
export function checkStateMachine(machine: StateMachine, at: Array<string | number> = []): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const error = (path: Array<string | number>, message: string) => issues.push({ path: [...at, ...path], message, severity: 'error' });
  const names = Object.keys(machine.States);
  const known = (n: string) => Object.hasOwn(machine.States, n);
  const hint = `(states: ${names.join(', ')})`;
  let dangling = false;
  if (!known(machine.StartAt)) error(['StartAt'], `names no state "${machine.StartAt}" ${hint}`);

  for (const [name, state] of Object.entries(machine.States)) {
    const here = ['States', name];
    if (state.Type !== 'Choice' && state.Type !== 'Succeed' && state.Type !== 'Fail') {
      const s = state as { Next?: string; End?: true };
      if ((s.Next === undefined) === (s.End === undefined)) error(here, 'needs exactly one of Next or End');
    }
    for (const t of transitions(state))
      if (!known(t.target)) {
        dangling = true;
        error([...here, ...t.path], `names no state "${t.target}" ${hint}`);
      }
    if (state.Type === 'Choice') {
      state.Choices.forEach((rule, i) => {
        if (rule.Next === undefined) error([...here, 'Choices', i], 'a top-level Choice rule needs a Next');
        nestedRules(rule).forEach(({ path }) => error([...here, 'Choices', i, ...path], 'a nested rule takes no Next'));
      });
      if (state.Default === undefined)
        issues.push({
          path: [...at, ...here],
          message: 'has no Default: an input no rule matches fails the execution with States.NoChoiceMatched',
          severity: 'warning',
        });
    }
    if ('Retry' in state) state.Retry?.forEach((r, i, all) => checkErrorList(r.ErrorEquals, i === all.length - 1, [...here, 'Retry', i], error));
    if ('Catch' in state) state.Catch?.forEach((c, i, all) => checkErrorList(c.ErrorEquals, i === all.length - 1, [...here, 'Catch', i], error));
    for (const nested of nestedMachines(state)) issues.push(...checkStateMachine(nested.machine, [...at, ...here, ...nested.path]));
  }

  if (known(machine.StartAt)) {
    const reached = reachable(machine, [machine.StartAt], (s) => transitions(s).map((t) => t.target));
    for (const name of names) if (!reached.has(name)) error(['States', name], `is never reached from StartAt "${machine.StartAt}"`);
    // With a transition to nowhere, "no way out" would only repeat that mistake.
    for (const name of dangling ? [] : reached) {
      const canEnd = [...reachable(machine, [name], (s) => transitions(s).map((t) => t.target))].some((n) => isTerminal(machine.States[n]!));
      if (!canEnd) error(['States', name], 'has no way out: every path from here loops without reaching End, Succeed or Fail');
    }
  }
  return issues;
}

function reachable(machine: StateMachine, from: string[], next: (s: State) => string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...from];
  while (todo.length > 0) {
    const name = todo.pop()!;
    const state = machine.States[name];
    if (seen.has(name) || !state) continue;
    seen.add(name);
    todo.push(...next(state));
  }
  return seen;
}

function nestedRules(rule: ChoiceRule, path: Array<string | number> = []): Array<{ path: Array<string | number> }> {
  const children: Array<{ rule: ChoiceRule; path: Array<string | number> }> = [
    ...(rule.And ?? []).map((r, i) => ({ rule: r, path: [...path, 'And', i] })),
    ...(rule.Or ?? []).map((r, i) => ({ rule: r, path: [...path, 'Or', i] })),
    ...(rule.Not ? [{ rule: rule.Not, path: [...path, 'Not'] }] : []),
  ];
  return children.flatMap((c) => [...(c.rule.Next !== undefined ? [{ path: [...c.path, 'Next'] }] : []), ...nestedRules(c.rule, c.path)]);
}

function checkErrorList(errors: string[], last: boolean, path: Array<string | number>, error: (p: Array<string | number>, m: string) => void): void {
  if (!errors.includes(ERROR_ALL)) return;
  if (errors.length > 1) error([...path, 'ErrorEquals'], `${ERROR_ALL} must be the only error name in its list`);
  if (!last) error([...path, 'ErrorEquals'], `${ERROR_ALL} must be in the last entry`);
}

/** The Functions a definition's Task states name, with the path of each `Resource` field. */
export function taskResources(machine: StateMachine, at: Array<string | number> = []): Array<{ name: string; path: Array<string | number> }> {
  return Object.entries(machine.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [{ name: state.Resource, path: [...at, 'States', name, 'Resource'] }] : []),
    ...nestedMachines(state).flatMap((n) => taskResources(n.machine, [...at, 'States', name, ...n.path])),
  ]);
}
