import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { EXEC_UPGRADE_PROTOCOL, ExecFrameDecoder, ExecFrameType } from '../../common/client/exec-frames.js';
import { channelMessageOf, execFrameOf, K8S_EXEC_PROTOCOLS } from '../../common/client/k8s-exec-channels.js';
import { HttpError } from '../../common/http/http-error.js';
import { isUpgrade } from '../../common/http/http-upgrade.js';
import type { PodAgentTarget } from './pod-agent-target.js';

/** Accepts the WebSocket upgrades of exec, choosing the newest channel protocol the client offers. */
export const webSockets = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => K8S_EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return isUpgrade(req) && req.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * Opens an upgraded connection to the agent over TLS (its certificate verified against `agentCa`): exec frames,
 * or a pod port's bytes. An agent's refusal (no such container, not running) becomes the answer.
 */
export function upgradeToAgent(
  target: PodAgentTarget,
  path: string,
  agentToken: string,
  agentCa: string,
  protocol: string = EXEC_UPGRADE_PROTOCOL,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const upstream = request({
      host: target.host,
      port: target.port,
      ca: agentCa,
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${agentToken}`, connection: 'Upgrade', upgrade: protocol },
    });
    upstream.on('upgrade', (_answer, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    upstream.on('response', (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const status = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { message?: string; reason?: string };
        reject(
          new HttpError(
            answer.statusCode === 404 ? 404 : 400,
            answer.statusCode === 404 ? 'NotFound' : 'BadRequest',
            status.message ?? `the node agent answered ${answer.statusCode}`,
          ),
        );
      });
    });
    upstream.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new HttpError(
          502,
          'InternalError',
          `the node agent of ${target.nodeName} at ${target.host}:${target.port} is not reachable (${err.code ?? err.message})`,
        ),
      ),
    );
    upstream.end();
  });
}

/** Carries one exec between a Kubernetes client's WebSocket and the agent's exec frames, until either side ends. */
export function bridgeExec(ws: WebSocket, agent: Duplex): void {
  const decoder = new ExecFrameDecoder();
  agent.on('data', (chunk: Buffer) => {
    try {
      for (const frame of decoder.push(chunk)) {
        const message = channelMessageOf(frame);
        if (message) ws.send(message);
        if (frame.type === ExecFrameType.exit) ws.close(1000);
      }
    } catch {
      // A garbled stream from the agent cannot be resynchronised: end the exec.
      ws.close(1011, 'bad exec stream from the node agent');
    }
  });
  agent.on('close', () => ws.close(1000));
  agent.on('error', () => ws.close(1011, 'node agent connection failed'));
  ws.on('message', (data: Buffer) => {
    const frame = execFrameOf(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
    if (frame) agent.write(frame);
  });
  ws.on('close', () => agent.destroy());
  ws.on('error', () => agent.destroy());
}
