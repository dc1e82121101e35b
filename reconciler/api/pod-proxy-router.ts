import { request } from 'node:https';
import { type Request, type Response, Router } from 'express';
import { EXEC_UPGRADE_PROTOCOL } from '../../common/client/exec-frames.js';
import { K8S_EXEC_PROTOCOLS } from '../../common/client/k8s-exec-channels.js';
import { HttpError } from '../../common/http/http-error.js';
import { acceptUpgrade, isUpgrade, takeUpgrade } from '../../common/http/http-upgrade.js';
import type { ObjectStore } from '../store/object-store.js';
import { SPDY_EXEC_PROTOCOL, spdyExecStreams } from './exec-spdy.js';
import { bridgeExec, isWebSocketUpgrade, upgradeToAgent, webSockets } from './exec-websocket.js';
import { agentLogQuery } from './log-options.js';
import { type PodAgentTarget, podAgentTarget } from './pod-agent-target.js';
import { queryOf } from './request-options.js';
import { acceptSpdy, chosenStreamProtocol, isSpdyUpgrade, SPDY } from './spdy/spdy-upgrade.js';

export { routeUpgrades } from '../../common/http/http-upgrade.js';

export interface PodProxyDeps {
  store: ObjectStore;
  /** What the API server presents to a node's agent (each agent accepts only its own). */
  agentToken: (nodeName: string) => string;
  /** The CA (PEM) every agent's serving certificate comes from: the token goes only to an agent it verifies. */
  agentCa: string;
}

const POD = '/api/v1/namespaces/:namespace/pods/:name';
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface AgentCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Switch the client's connection to the agent's exec protocol. */
  upgrade?: boolean;
}

/**
 * The pod subresources the node agent serves, proxied: `log` (kubectl's query: container, follow,
 * tailLines, previous) and `exec` (POST with `{command}`, or GET with `command=` repeated and an
 * Upgrade to minik8s-exec for input and terminals). The agent's answers, errors included, go back
 * unchanged. Upgrade requests reach these routes through `routeUpgrades` on the HTTP server.
 */
export function createPodProxyRouter(deps: PodProxyDeps): Router {
  const router = Router();

  const targetOf = async (req: Request): Promise<PodAgentTarget> => {
    const namespace = String(req.params.namespace);
    const name = String(req.params.name);
    const pod = await deps.store.get({ kind: 'Pod', namespace, name });
    if (!pod) throw new HttpError(404, 'NotFound', `pods "${name}" not found`);
    const node = pod.spec.nodeName ? await deps.store.get({ kind: 'Node', name: pod.spec.nodeName }) : undefined;
    return podAgentTarget(pod, node, text(req.query.container));
  };
  const agentPath = (verb: string, req: Request, target: PodAgentTarget, query: URLSearchParams) =>
    `/${verb}/${[String(req.params.namespace), String(req.params.name), target.container].map(encodeURIComponent).join('/')}${query.size ? `?${query}` : ''}`;

  /** Resolves once the agent has answered (and the answer is being piped), rejects when it cannot be reached. */
  const callAgent = (req: Request, res: Response, target: PodAgentTarget, call: AgentCall) =>
    new Promise<void>((resolve, reject) => {
      const body = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
      const upstream = request({
        host: target.host,
        port: target.port,
        ca: deps.agentCa,
        method: call.method,
        path: call.path,
        headers: {
          authorization: `Bearer ${deps.agentToken(target.nodeName)}`,
          ...(body && { 'content-type': 'application/json', 'content-length': body.length }),
          ...(call.upgrade && { connection: 'Upgrade', upgrade: EXEC_UPGRADE_PROTOCOL }),
        },
      });
      upstream.on('response', (answer) => {
        res.status(answer.statusCode ?? 502);
        if (answer.headers['content-type']) res.set('content-type', answer.headers['content-type']);
        res.flushHeaders();
        answer.pipe(res);
        resolve();
      });
      upstream.on('upgrade', (_answer, agentSocket, agentHead) => {
        const { socket, head } = takeUpgrade(req)!;
        acceptUpgrade(socket, EXEC_UPGRADE_PROTOCOL);
        if (agentHead.length) socket.write(agentHead);
        if (head.length) agentSocket.write(head);
        socket.pipe(agentSocket).pipe(socket);
        socket.on('error', () => agentSocket.destroy()).on('close', () => agentSocket.destroy());
        agentSocket.on('error', () => socket.destroy()).on('close', () => socket.destroy());
        resolve();
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (res.headersSent) return void res.destroy();
        reject(
          new HttpError(
            502,
            'InternalError',
            `the node agent of ${target.nodeName} at ${target.host}:${target.port} is not reachable (${err.code ?? err.message})`,
          ),
        );
      });
      // The client went away: stop following logs, end the command's connection.
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });

  router.get(`${POD}/log`, async (req, res) => {
    const target = await targetOf(req);
    const query = agentLogQuery(queryOf(req.originalUrl));
    await callAgent(req, res, target, { method: 'GET', path: agentPath('containerLogs', req, target, query) });
  });

  router.post(`${POD}/exec`, async (req, res) => {
    // client-go upgrades a GET to a WebSocket and a POST to SPDY; some clients upgrade a POST to a WebSocket.
    if (isWebSocketUpgrade(req) || isSpdyUpgrade(req)) return streamed('exec')(req);
    const target = await targetOf(req);
    const command = (req.body as { command?: unknown } | undefined)?.command;
    await callAgent(req, res, target, { method: 'POST', path: agentPath('exec', req, target, new URLSearchParams()), body: { command } });
  });

  const execQuery = (req: Request) => {
    const query = new URLSearchParams();
    for (const key of ['command', 'tty', 'stdin']) for (const v of queryOf(req.originalUrl).getAll(key)) query.append(key, v);
    return query;
  };

  /** kubectl's exec and attach: a WebSocket speaking Kubernetes' channel protocol, bridged to the agent's exec frames. */
  const overWebSocket = async (req: Request, verb: 'exec' | 'attach') => {
    const target = await targetOf(req);
    const query = verb === 'exec' ? execQuery(req) : new URLSearchParams();
    const agent = await upgradeToAgent(target, agentPath(verb, req, target, query), deps.agentToken(target.nodeName), deps.agentCa);
    const { socket, head } = takeUpgrade(req)!;
    webSockets.handleUpgrade(req, socket, head, (ws) => bridgeExec(ws, agent));
  };

  /** The same over SPDY: kubectl before 1.30, or with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false. */
  const overSpdy = async (req: Request, verb: 'exec' | 'attach') => {
    const protocol = chosenStreamProtocol(req, [SPDY_EXEC_PROTOCOL]);
    if (!protocol) throw new HttpError(400, 'BadRequest', `${verb} over SPDY needs X-Stream-Protocol-Version: ${SPDY_EXEC_PROTOCOL}`);
    const target = await targetOf(req);
    const q = queryOf(req.originalUrl);
    const on = (key: string) => q.get(key) === 'true' || q.get(key) === '1';
    const query = verb === 'exec' ? execQuery(req) : new URLSearchParams();
    const open = () => upgradeToAgent(target, agentPath(verb, req, target, query), deps.agentToken(target.nodeName), deps.agentCa);
    const onStream = spdyExecStreams({ stdin: on('stdin'), stdout: on('stdout'), stderr: on('stderr'), tty: on('tty') }, open, () => session);
    const session = acceptSpdy(req, protocol, onStream);
  };
  const streamed = (verb: 'exec' | 'attach') => (req: Request) => (isWebSocketUpgrade(req) ? overWebSocket(req, verb) : overSpdy(req, verb));

  // kubectl attach: the container's output from now on (pods take no stdin here), over the same channels.
  const attach = async (req: Request) => {
    if (!isWebSocketUpgrade(req) && !isSpdyUpgrade(req))
      throw new HttpError(400, 'BadRequest', `attach needs a WebSocket (${K8S_EXEC_PROTOCOLS.join(', ')}) or Upgrade: ${SPDY}`);
    await streamed('attach')(req);
  };
  router.get(`${POD}/attach`, attach);
  router.post(`${POD}/attach`, attach);

  router.get(`${POD}/exec`, async (req, res) => {
    if (isWebSocketUpgrade(req) || isSpdyUpgrade(req)) return streamed('exec')(req);
    if (!isUpgrade(req) || req.headers.upgrade?.toLowerCase() !== EXEC_UPGRADE_PROTOCOL)
      throw new HttpError(
        400,
        'BadRequest',
        `exec needs a WebSocket (${K8S_EXEC_PROTOCOLS.join(', ')}) or Upgrade: ${EXEC_UPGRADE_PROTOCOL}; without input, POST the command`,
      );
    const target = await targetOf(req);
    await callAgent(req, res, target, { method: 'GET', path: agentPath('exec', req, target, execQuery(req)), upgrade: true });
  });

  return router;
}
