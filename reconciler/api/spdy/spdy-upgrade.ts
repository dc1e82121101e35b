import type { IncomingMessage } from 'node:http';
import { acceptUpgrade, isUpgrade, takeUpgrade } from '../../../common/http/http-upgrade.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';

export const SPDY = 'SPDY/3.1';

/** An HTTP Upgrade to SPDY/3.1 that no route has taken yet. */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return isUpgrade(req) && req.headers.upgrade?.toLowerCase() === SPDY.toLowerCase();
}

/** The first of `supported` among the client's X-Stream-Protocol-Version offers (repeated headers arrive comma-joined). */
export function chosenStreamProtocol(req: IncomingMessage, supported: readonly string[]): string | undefined {
  const offered = new Set(
    String(req.headers['x-stream-protocol-version'] ?? '')
      .split(',')
      .map((p) => p.trim()),
  );
  return supported.find((p) => offered.has(p));
}

/** Takes the request's connection, answers 101 with the negotiated protocol, and serves SPDY on it. */
export function acceptSpdy(req: IncomingMessage, protocol: string, onStream: (stream: SpdyStream) => void): SpdySession {
  const { socket, head } = takeUpgrade(req)!;
  acceptUpgrade(socket, SPDY, { 'X-Stream-Protocol-Version': protocol });
  if (head.length) socket.unshift(head);
  return new SpdySession(socket, onStream);
}
