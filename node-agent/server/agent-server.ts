/**
 * The node agent's own HTTPS server, on nodeIP:agentPort, for the API server's pod proxy (kubelet's
 * port 10250). TLS only, with the node's certificate from the cluster CA (the API server verifies it, so
 * the agent token it presents goes to this agent alone). Every route wants this node's agent token (only
 * the API server has it: reconciler/auth); errors are Kubernetes `Status` bodies, which the API server
 * hands on unchanged.
 *
 *   GET  /containerLogs/:namespace/:pod/:container?follow=true&tail=N&previous=true
 *        the container's stdout and stderr as text/plain, kept open while following.
 *   POST /exec/:namespace/:pod/:container   body {"command": ["sh", "-c", "..."]}
 *        runs the command without input; the body streams exec frames (common/client/exec-frames.ts):
 *        stdout and stderr as they come, then one exit frame.
 *   GET  /exec/:namespace/:pod/:container?command=sh&command=-i&tty=true&stdin=true
 *        with `Connection: Upgrade` and `Upgrade: minik8s-exec`: after the 101 the socket carries
 *        exec frames both ways (stdin, stdin-end and resize in; stdout, stderr and exit out).
 *   GET  /attach/:namespace/:pod/:container   upgraded the same way: the container's output from now on
 *        (pods have no stdin or TTY here), until it exits.
 *   GET  /portForward/:namespace/:pod?port=N   with `Upgrade: minik8s-portforward`: the pod's port, dialled
 *        from this node; after the 101 the socket carries its bytes (port-forward-route.ts).
 */

import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import express, { type Request } from 'express';
import {
  EXEC_FRAMES_CONTENT_TYPE,
  EXEC_UPGRADE_PROTOCOL,
  ExecFrameDecoder,
  ExecFrameType,
  encodeFrame,
  exitFrame,
  framePayloadJson,
} from '../../common/client/exec-frames.js';
import { bearerAuth } from '../../common/http/bearer-auth.js';
import { errorHandler, notFoundHandler } from '../../common/http/error-handler.js';
import { HttpError } from '../../common/http/http-error.js';
import { acceptUpgrade, isUpgrade, routeUpgrades, takeUpgrade } from '../../common/http/http-upgrade.js';
import { createLogger, type Logger } from '../../common/log/log.js';
import type { ContainerExec, ExecOptions, ExecSession } from '../runtime/container-exec.js';
import type { PodRuntime } from '../runtime/pod-runtime.js';
import { findPodContainer, type PodContainerRef } from './find-pod-container.js';
import { type MetricsRoutesOptions, metricsRoutes } from './metrics-routes.js';
import { portForwardRoute } from './port-forward-route.js';

export interface AgentServerOptions {
  /** The address to bind: the node IP, where the API server reaches the agent. */
  host: string;
  port: number;
  /** The serving certificate and key (PEM). */
  tls: { cert: string | Buffer; key: string | Buffer };
  /** Bearer tokens accepted (this node's agent token, which the API server presents). */
  tokens: readonly string[];
  runtime: Pick<PodRuntime, 'listPods' | 'logs'>;
  exec: ContainerExec;
  log?: Logger;
  /** The /metrics routes (metrics-routes.ts); their tokens are accepted there besides `tokens`. */
  metrics?: Omit<MetricsRoutesOptions, 'runtime'>;
}

export interface AgentServer {
  port: number;
  stop(): Promise<void>;
}

const flag = (v: unknown): boolean => v === 'true' || v === '1';

function wholeNumber(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 0)) throw new HttpError(400, 'BadRequest', `${name} must be a whole number, not "${String(v)}"`);
  return n;
}
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);

/** Forwards a session's output as frames, then the exit frame once all output is out; resolves with the exit code. */
async function pumpOutput(session: ExecSession, write: (frame: Buffer) => void): Promise<number> {
  session.stdout.on('data', (d: Buffer) => write(encodeFrame(ExecFrameType.stdout, d)));
  session.stderr.on('data', (d: Buffer) => write(encodeFrame(ExecFrameType.stderr, d)));
  const [exitCode] = await Promise.all([session.exitCode, finished(session.stdout), finished(session.stderr)]);
  write(exitFrame(exitCode));
  return exitCode;
}

export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  const log = opts.log ?? createLogger('agent-server');
  const app = express();
  // Upgraded connections are no longer the HTTP server's: stop() ends them itself.
  const upgraded = new Set<Duplex>();
  app.disable('x-powered-by');
  if (opts.metrics) app.use(metricsRoutes({ ...opts.metrics, tokens: [...opts.tokens, ...opts.metrics.tokens], runtime: opts.runtime }));
  app.use(bearerAuth(opts.tokens));

  const refOf = (req: Request): PodContainerRef => ({
    namespace: String(req.params.namespace),
    pod: String(req.params.pod),
    container: String(req.params.container),
    previous: flag(req.query.previous),
  });

  app.get('/containerLogs/:namespace/:pod/:container', async (req, res) => {
    const container = findPodContainer(await opts.runtime.listPods(), refOf(req));
    const tail = wholeNumber(req.query.tail, 'tail');
    const since = wholeNumber(req.query.since, 'since');
    const stream = await opts.runtime.logs(container.id, {
      follow: flag(req.query.follow),
      timestamps: flag(req.query.timestamps),
      ...(tail !== undefined && { tailLines: tail }),
      ...(since !== undefined && { sinceSeconds: since }),
    });
    res.type('text/plain').flushHeaders();
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  });

  /** The pod's current container, which must be running. */
  const runningContainer = async (req: Request) => {
    const ref = refOf(req);
    const container = findPodContainer(await opts.runtime.listPods(), { ...ref, previous: false });
    if (container.state !== 'running') throw new HttpError(400, 'BadRequest', `container "${ref.container}" in pod "${ref.pod}" is not running`);
    return container;
  };

  /** Starts the command in the pod's current container. */
  const startExec = async (req: Request, options: Omit<ExecOptions, 'command'>, command: string[]): Promise<ExecSession> => {
    if (command.length === 0) throw new HttpError(400, 'BadRequest', 'a command is required');
    return opts.exec.exec((await runningContainer(req)).id, { ...options, command });
  };

  app.post('/exec/:namespace/:pod/:container', express.json(), async (req, res) => {
    const session = await startExec(req, { tty: false, stdin: false }, strings((req.body as { command?: unknown } | undefined)?.command));
    res.type(EXEC_FRAMES_CONTENT_TYPE).flushHeaders();
    res.on('close', () => session.close());
    await pumpOutput(session, (frame) => res.write(frame));
    res.end();
  });

  const needsUpgrade = (req: Request, what: string) => {
    if (!isUpgrade(req) || req.headers.upgrade?.toLowerCase() !== EXEC_UPGRADE_PROTOCOL)
      throw new HttpError(400, 'BadRequest', `${what} needs Connection: Upgrade and Upgrade: ${EXEC_UPGRADE_PROTOCOL}; without input, POST the command`);
  };

  /** Carries a session over the request's upgraded connection as exec frames, both ways, until it exits. */
  const serveUpgraded = async (req: Request, session: ExecSession) => {
    const { socket, head } = takeUpgrade(req)!;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    acceptUpgrade(socket, EXEC_UPGRADE_PROTOCOL);
    const decoder = new ExecFrameDecoder();
    const onInput = (chunk: Buffer) => {
      let frames: ReturnType<ExecFrameDecoder['push']>;
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'dropping an exec connection that sent a malformed frame');
        return void socket.destroy();
      }
      for (const frame of frames) {
        if (frame.type === ExecFrameType.stdin) session.stdin?.write(frame.payload);
        else if (frame.type === ExecFrameType.stdinEnd) session.stdin?.end();
        else if (frame.type === ExecFrameType.resize) {
          const { cols, rows } = framePayloadJson<{ cols: number; rows: number }>(frame);
          session.resize(cols, rows).catch((err: Error) => log.debug({ err: err.message }, 'resize failed'));
        }
      }
    };
    socket.on('data', onInput);
    socket.on('error', () => session.close());
    socket.on('close', () => session.close());
    if (head.length) onInput(head);
    await pumpOutput(session, (frame) => socket.write(frame));
    socket.end();
  };

  app.get('/exec/:namespace/:pod/:container', async (req: Request) => {
    needsUpgrade(req, 'interactive exec');
    await serveUpgraded(req, await startExec(req, { tty: flag(req.query.tty), stdin: flag(req.query.stdin) }, strings(req.query.command)));
  });

  app.get('/attach/:namespace/:pod/:container', async (req: Request) => {
    needsUpgrade(req, 'attach');
    await serveUpgraded(req, await opts.exec.attach((await runningContainer(req)).id));
  });

  app.get('/portForward/:namespace/:pod', portForwardRoute(opts.runtime, upgraded));

  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, app);
  routeUpgrades(server, app);
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ host: opts.host, port }, 'agent server listening');
  return {
    port,
    async stop() {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
