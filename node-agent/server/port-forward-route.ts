import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request } from 'express';
import { PORT_FORWARD_UPGRADE } from '../../common/client/port-forward.js';
import { HttpError } from '../../common/http/http-error.js';
import { acceptUpgrade, isUpgrade, takeUpgrade } from '../../common/http/http-upgrade.js';
import type { PodRuntime } from '../runtime/pod-runtime.js';
import { findPodIP } from './find-pod-container.js';

/** Resolves once connected; a refused or unreachable port is the caller's answer (the API server passes it on to kubectl). */
function dial(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 10_000 });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => socket.destroy(new Error('connection timed out')));
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new HttpError(502, 'InternalError', `dial ${host}:${port}: ${err.code ?? err.message}`)));
  });
}

/**
 * `GET /portForward/:namespace/:pod?port=N` with `Upgrade: minik8s-portforward`: dials the pod's port from
 * this node (the agent lives in the node's network namespace) and, once connected, carries its bytes
 * over the upgraded connection. One connection per forwarded client connection.
 */
export function portForwardRoute(runtime: Pick<PodRuntime, 'listPods'>, upgraded: Set<Duplex>) {
  return async (req: Request) => {
    if (!isUpgrade(req) || req.headers.upgrade?.toLowerCase() !== PORT_FORWARD_UPGRADE)
      throw new HttpError(400, 'BadRequest', `port-forward needs Connection: Upgrade and Upgrade: ${PORT_FORWARD_UPGRADE}`);
    const port = Number(req.query.port);
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw new HttpError(400, 'BadRequest', `port must be 1-65535, not "${String(req.query.port)}"`);
    const upstream = await dial(findPodIP(await runtime.listPods(), String(req.params.namespace), String(req.params.pod)), port);
    const { socket, head } = takeUpgrade(req)!;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    acceptUpgrade(socket, PORT_FORWARD_UPGRADE);
    if (head.length) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
    upstream.on('error', () => socket.destroy()).on('close', () => socket.destroy());
  };
}
