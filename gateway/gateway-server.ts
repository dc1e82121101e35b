import { createServer, type Server, type ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import type { Logger } from '../common/log/log.js';
import type { DNS, Service } from '../common/schema/index.js';
import { type FunctionHttpDeps, handleFunctionRequest } from './functions/function-http.js';
import { routeRequest } from './route-match.js';
import { handleWorkflowRequest, type WorkflowHttpDeps } from './workflows/workflow-http.js';

export interface GatewayServerOptions {
  /** The DNS objects and services as of now (the informers' caches). */
  names: () => { dns: readonly DNS[]; services: readonly Service[] };
  log: Logger;
  /** How long a service may take to start answering. */
  proxyTimeoutMs?: number;
  /** The function endpoints (`/function/…`), served for hosts no DNS object claims. */
  functions?: FunctionHttpDeps;
  /** The workflow endpoints (`/workflow/…`), served for hosts no DNS object claims. */
  workflows?: Omit<WorkflowHttpDeps, 'log'>;
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
}

/**
 * The gateway's HTTP side: each request is routed by host and path (`routeRequest`) and proxied to
 * the service's ClusterIP, keeping the Host header and adding X-Forwarded-*.
 */
export function createGatewayServer(opts: GatewayServerOptions): Server {
  const { log } = opts;
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: opts.proxyTimeoutMs ?? 30_000 });
  const server = createServer((req, res) => {
    const decision = routeRequest(req.headers.host, req.url ?? '/', opts.names());
    if (decision.kind === 'not-found' && opts.workflows && handleWorkflowRequest(req, res, { ...opts.workflows, log })) return;
    if (decision.kind === 'not-found' && opts.functions && handleFunctionRequest(req, res, opts.functions)) return;
    if (decision.kind !== 'forward') {
      plain(res, decision.kind === 'not-found' ? 404 : 503, decision.message);
      return;
    }
    const { route, target } = decision;
    req.url = decision.path;
    proxy.web(req, res, { target: `http://${target.ip}:${target.port}` }, (err) => {
      log.info({ service: `${route.namespace}/${route.service}`, target, err: err.message }, 'gateway: service did not answer');
      if (res.headersSent) res.destroy();
      else plain(res, 502, `service ${route.namespace}/${route.service} did not answer: ${err.message}`);
    });
  });
  server.on('close', () => proxy.close());
  return server;
}
