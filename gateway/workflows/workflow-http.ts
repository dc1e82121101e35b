import type { IncomingMessage, ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { ApiClient } from '../../common/client/api-client.js';
import type { Logger } from '../../common/log/log.js';
import type { Execution, Json } from '../../common/schema/index.js';
import { startWorkflow } from '../../common/workflows/executions.js';
import type { ExecutionWaiter } from './execution-waiter.js';

export interface WorkflowHttpDeps {
  api: ApiClient;
  /** Whether the workflow exists (the gateway's cache of Workflows). */
  exists: (namespace: string, name: string) => boolean;
  /** Where a synchronous call waits for its execution to end. */
  waiter: Pick<ExecutionWaiter, 'wait'>;
  log: Logger;
}

/** The header naming the execution a request started. */
export const EXECUTION_HEADER = 'x-minik8s-execution';
const DEFAULT_WAIT_SECONDS = 60;
const MAX_WAIT_SECONDS = 900;
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export type WorkflowPath =
  | { kind: 'start'; namespace: string; name: string; async: boolean; waitSeconds: number }
  | { kind: 'execution'; namespace: string; name: string }
  | { kind: 'none' };

/** `/workflow/NAME`, `/workflow/NS/NAME` (`?async`, `?timeout=SECONDS`), `/workflow-executions/[NS/]ID`. */
export function parseWorkflowPath(rawUrl: string): WorkflowPath {
  const url = new URL(rawUrl, 'http://gateway');
  const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const [head, ...rest] = segments;
  if ((head !== 'workflow' && head !== 'workflow-executions') || rest.length < 1 || rest.length > 2 || rest.some((s) => s === '')) return { kind: 'none' };
  const [namespace, name] = rest.length === 2 ? (rest as [string, string]) : ['default', rest[0]!];
  if (head === 'workflow-executions') return { kind: 'execution', namespace, name };
  const timeout = Number(url.searchParams.get('timeout') ?? DEFAULT_WAIT_SECONDS);
  const waitSeconds = Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, MAX_WAIT_SECONDS) : DEFAULT_WAIT_SECONDS;
  return { kind: 'start', namespace, name, async: url.searchParams.has('async'), waitSeconds };
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(`${JSON.stringify(value)}\n`);
}

/** What a finished (or running) execution answers: its output, or its error and cause. */
export function executionSummary(e: Execution): { status: number; body: Json } {
  const s = e.status;
  const id = { execution: e.metadata.name, namespace: e.metadata.namespace ?? 'default' };
  if (!s || s.phase === 'Running') return { status: 202, body: { ...id, status: 'Running' } };
  if (s.phase === 'Succeeded') return { status: 200, body: s.output ?? null };
  return { status: s.phase === 'TimedOut' ? 504 : 500, body: { ...id, status: s.phase, error: s.error ?? '', cause: s.cause ?? '' } };
}

/**
 * The gateway's workflow endpoints: `POST /workflow/NAME` starts an execution with the body (JSON) as
 * input and answers with its output once it ends (504 with the execution id past `?timeout`), or at once
 * with 202 and the id under `?async`; `GET /workflow-executions/ID` answers an execution's result. False
 * when the URL is not a workflow's.
 */
export function handleWorkflowRequest(req: IncomingMessage, res: ServerResponse, deps: WorkflowHttpDeps): boolean {
  const target = parseWorkflowPath(req.url ?? '/');
  if (target.kind === 'none') return false;
  void (async () => {
    if (target.kind === 'execution') {
      const e = await deps.api.get({ kind: 'Execution', namespace: target.namespace, name: target.name });
      if (!e) return json(res, 404, { message: `no execution ${target.namespace}/${target.name}` });
      const { status, body } = executionSummary(e);
      return json(res, status, body, { [EXECUTION_HEADER]: e.metadata.name });
    }
    if (req.method !== 'POST') return json(res, 405, { message: 'start a workflow with POST' }, { allow: 'POST' });
    if (!deps.exists(target.namespace, target.name)) return json(res, 404, { message: `no workflow ${target.namespace}/${target.name}` });
    const raw = await buffer(req);
    if (raw.length > MAX_BODY_BYTES) return json(res, 413, { message: `the input is over ${MAX_BODY_BYTES} bytes` });
    let input: Json = {};
    try {
      if (raw.length > 0) input = JSON.parse(raw.toString('utf8')) as Json;
    } catch (err) {
      return json(res, 400, { message: `the body must be JSON (the execution's input): ${(err as Error).message}` });
    }
    const started = await startWorkflow(deps.api, target.namespace, target.name, input, 'http');
    const id = started.metadata.name;
    if (target.async)
      return json(
        res,
        202,
        { execution: id, namespace: target.namespace, result: `/workflow-executions/${target.namespace}/${id}` },
        { [EXECUTION_HEADER]: id },
      );
    const done = await deps.waiter.wait(target.namespace, id, target.waitSeconds * 1000);
    if (!done)
      return json(
        res,
        504,
        {
          execution: id,
          status: 'Running',
          message: `still running after ${target.waitSeconds} s; its result: /workflow-executions/${target.namespace}/${id}`,
        },
        { [EXECUTION_HEADER]: id },
      );
    const { status, body } = executionSummary(done);
    json(res, status, body, { [EXECUTION_HEADER]: id });
  })().catch((err: Error) => {
    deps.log.warn({ url: req.url, err: err.message }, 'gateway: workflow request failed');
    if (res.headersSent) res.destroy();
    else json(res, 502, { message: err.message });
  });
  return true;
}
