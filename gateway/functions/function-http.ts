import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { checkCaller } from '../../common/functions/function-token.js';
import { CALL_ID_HEADER, FUNCTION_REPLIES_TOPIC, type InvocationRequest } from '../../common/functions/invocation.js';
import type { Logger } from '../../common/log/log.js';
import type { FunctionObject } from '../../common/schema/index.js';
import type { FunctionInvoker } from './function-invoker.js';
import { parseFunctionPath } from './function-path.js';
import type { FunctionQueue } from './function-queue.js';

export interface FunctionHttpDeps {
  invoker: FunctionInvoker;
  /** Absent without Kafka: asynchronous calls are refused (503). */
  queue: FunctionQueue | undefined;
  log: Logger;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.writeHead(status, headers).end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, { 'content-type': 'application/json' }, `${JSON.stringify(value)}\n`);

/** The call's headers for the function; a private function's token is the gateway's business, not the code's. */
function flatHeaders(req: IncomingMessage, keepAuthorization: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && (keepAuthorization || k !== 'authorization')) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** 401 unless the caller may call the function (public, or its invoke token); true when it answered. */
function refused(req: IncomingMessage, res: ServerResponse, fn: FunctionObject): boolean {
  const check = checkCaller(fn, req.headers.authorization);
  if (check.allowed) return false;
  send(res, 401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="minik8s function"' }, `${check.reason}\n`);
  return true;
}

/**
 * The gateway's function endpoints: `/function/…` answers with the function's own response (synchronously,
 * through the activator), `/async-function/…` answers 202 with a call id at once and runs the call from Kafka,
 * `/function-calls/ID` answers with that call's response once it is done (202 while it runs). False when the
 * URL is not a function's, for the host/path forwarding to handle.
 */
export function handleFunctionRequest(req: IncomingMessage, res: ServerResponse, deps: FunctionHttpDeps): boolean {
  const { invoker, queue } = deps;
  const target = parseFunctionPath(req.url ?? '/', (ns, name) => invoker.lookup(ns, name) !== undefined);
  if (target.kind === 'none') return false;
  void (async () => {
    if (target.kind === 'result') {
      const r = queue?.result(target.callId);
      const callee = queue?.callee(target.callId);
      const fn = callee && invoker.lookup(callee.namespace, callee.name);
      // A result is read with its function's token; once the function is gone, nobody may.
      if (!r || !fn) return send(res, 404, { 'content-type': 'text/plain' }, `no call ${target.callId} (unknown, or its result has expired)\n`);
      if (refused(req, res, fn)) return;
      if (r === 'pending') return json(res, 202, { callId: target.callId, state: 'pending' });
      return send(res, r.statusCode, { ...r.headers, [CALL_ID_HEADER]: r.callId, 'x-minik8s-call-state': 'done' }, Buffer.from(r.body, 'base64'));
    }
    const fn = invoker.lookup(target.namespace, target.name);
    if (!fn) return send(res, 404, { 'content-type': 'text/plain' }, `no function ${target.namespace}/${target.name}\n`);
    if (refused(req, res, fn)) return;
    const body = await buffer(req);
    const headers = flatHeaders(req, fn.spec.public === true);
    const callId = randomUUID();
    if (target.kind === 'call') {
      const r = await invoker.invoke({ callId, namespace: target.namespace, name: target.name, method: req.method ?? 'GET', url: target.url, headers, body });
      return send(res, r.statusCode, { ...r.headers, [CALL_ID_HEADER]: callId }, r.body);
    }
    if (!queue) return send(res, 503, { 'content-type': 'text/plain' }, 'asynchronous calls need Kafka, which this gateway was started without\n');
    const url = new URL(target.url, 'http://function');
    const { 'x-callback-url': callbackUrl, ...rest } = headers;
    const call: InvocationRequest = {
      callId,
      namespace: target.namespace,
      function: target.name,
      source: 'http-async',
      method: req.method ?? 'POST',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: rest,
      body: body.toString('base64'),
      replyTopic: FUNCTION_REPLIES_TOPIC,
      ...(callbackUrl && { callbackUrl }),
      enqueuedAt: new Date().toISOString(),
    };
    await queue.enqueue(call);
    json(res, 202, { callId, state: 'pending', result: `/function-calls/${callId}` });
  })().catch((err: Error) => {
    deps.log.warn({ url: req.url, err: err.message }, 'gateway: function call failed');
    if (res.headersSent) res.destroy();
    else send(res, 502, { 'content-type': 'text/plain' }, `${err.message}\n`);
  });
  return true;
}
