import type { Execution, HistoryEvent, Json } from '../../common/schema/index.js';
import { formatTable } from './table.js';

/** One attempt at one state: when it began and ended, and what it took in and gave out (or the error). */
export interface StateAttempt {
  run: string;
  state: string;
  attempt: number;
  enteredAt: string;
  exitedAt?: string;
  input?: Json;
  output?: Json;
  error?: string;
  cause?: string;
  caughtBy?: boolean;
}

/** `root/2:Fan[0]/1:Each[3]` → `Fan[0]/Each[3]`: where in the Parallel branches and Map items a run is. */
export function runLabel(run: string): string {
  return run
    .split('/')
    .slice(1)
    .map((s) => s.replace(/^\d+:/, ''))
    .join('/');
}

/** The history regrouped per state attempt, in the order the attempts began. */
export function stateAttempts(history: readonly HistoryEvent[]): StateAttempt[] {
  const attempts: StateAttempt[] = [];
  const open = new Map<string, StateAttempt>();
  for (const h of history) {
    if (h.run === undefined || h.state === undefined) continue;
    const key = `${h.run}|${h.entry}|${h.attempt}`;
    if (h.type === 'StateEntered') {
      const a: StateAttempt = { run: h.run, state: h.state, attempt: h.attempt ?? 1, enteredAt: h.time, ...(h.input !== undefined && { input: h.input }) };
      attempts.push(a);
      open.set(key, a);
      continue;
    }
    const a = open.get(key);
    if (!a) continue;
    if (h.type === 'TaskScheduled' && h.input !== undefined) a.input = h.input;
    if (h.error !== undefined) Object.assign(a, { error: h.error, ...(h.cause !== undefined && { cause: h.cause }) });
    if (h.type === 'StateExited' || h.type === 'RetryScheduled' || h.type === 'Caught') {
      a.exitedAt = h.time;
      if (h.type === 'StateExited' && h.output !== undefined) a.output = h.output;
      if (h.type === 'Caught') a.caughtBy = true;
      open.delete(key);
    }
  }
  return attempts;
}

function seconds(fromIso: string, toIso: string): string {
  return `${((Date.parse(toIso) - Date.parse(fromIso)) / 1000).toFixed(3)}s`;
}

function preview(v: Json | undefined, max = 160): string {
  const text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `mkctl describe execution`'s History: a row per state attempt (where, state, attempt, when it began
 * after the start, how long it took, how it ended) with its input and its output or error beneath.
 */
export function executionHistoryLines(e: Execution, now: Date): string[] {
  const s = e.status;
  if (!s) return ['History:      <none> (not started yet)'];
  const attempts = stateAttempts(s.history);
  const rows = attempts.map((a, i) => {
    const result = a.exitedAt === undefined ? 'running' : a.error === undefined ? 'ok' : a.caughtBy ? `caught ${a.error}` : a.error;
    return [
      String(i + 1),
      [runLabel(a.run), a.state].filter(Boolean).join('/'),
      String(a.attempt),
      `+${seconds(s.startTime, a.enteredAt)}`,
      seconds(a.enteredAt, a.exitedAt ?? now.toISOString()),
      result,
    ];
  });
  const [header = '', ...lines] = formatTable(['#', 'State', 'Attempt', 'Entered', 'Took', 'Result'], rows, { upperCaseHeaders: false }).split('\n');
  const table = [
    header,
    ...lines.flatMap((line, i) => {
      const a = attempts[i]!;
      return [
        line,
        ...(a.input !== undefined ? [`     input:  ${preview(a.input)}`] : []),
        ...(a.output !== undefined ? [`     output: ${preview(a.output)}`] : []),
        ...(a.error !== undefined ? [`     error:  ${a.error}${a.cause ? `: ${preview(a.cause)}` : ''}`] : []),
      ];
    }),
  ];
  return ['History:', ...table.map((l) => `  ${l.trimEnd()}`)];
}
