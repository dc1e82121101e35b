import { type IncomingMessage, type RequestListener, type Server, ServerResponse } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface PendingUpgrade {
  socket: Duplex;
  head: Buffer;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade & { res: ServerResponse }>();

/**
 * Sends HTTP Upgrade requests (which Node keeps apart from `request`) through `app` like any other
 * request, so routing, bearer auth and error `Status` answers apply to them too. A route that
 * serves the upgrade takes the socket with `takeUpgrade`; any ordinary answer (an error) is
 * written to the socket, which is then closed.
 */
export function routeUpgrades(server: Server | TlsServer, app: RequestListener): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    pending.set(req, { socket, head, res });
    res.on('finish', () => socket.end());
    app(req, res);
  });
}

/** The raw connection of an Upgrade request, or undefined for an ordinary request. Call once. */
export function takeUpgrade(req: IncomingMessage): PendingUpgrade | undefined {
  const upgrade = pending.get(req);
  if (!upgrade) return undefined;
  pending.delete(req);
  // The route owns the socket now: nothing the response object does may write to it any more.
  upgrade.res.detachSocket(upgrade.socket as Socket);
  return { socket: upgrade.socket, head: upgrade.head };
}

/** True for an Upgrade request whose socket no route has taken yet. */
export function isUpgrade(req: IncomingMessage): boolean {
  return pending.has(req);
}

/** Answers 101 on a taken socket: from here on it carries `protocol`. */
export function acceptUpgrade(socket: Duplex, protocol: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n${extra.join('')}\r\n`);
}
