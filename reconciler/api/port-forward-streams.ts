import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { SpdyStream } from './spdy/spdy-session.js';

/** The subprotocol of kubectl's port-forward, over SPDY (X-Stream-Protocol-Version) or tunnelled in a WebSocket. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/**
 * kubectl port-forward's streams (portforward.k8s.io): each local connection opens an `error` stream and a
 * `data` stream with the same `requestID` and `port` headers. Once both are there the pod's port is dialled:
 * the data stream carries the bytes both ways (each side's end is passed on), the error stream a failure's
 * message, and it ends when the connection is over.
 */
export function portForwardStreams(dial: (port: number) => Promise<Duplex>, pod: string): (stream: SpdyStream) => void {
  const pending = new Map<string, { data?: Duplex; error?: Duplex; port: number }>();
  return ({ headers, io }) => {
    const type = headers.get('streamtype');
    const port = Number(headers.get('port'));
    const requestId = headers.get('requestid') ?? '';
    if ((type !== 'data' && type !== 'error') || !(Number.isInteger(port) && port > 0 && port < 65536)) return void io.destroy();
    // The error stream carries nothing from the client; read it so its end is seen.
    if (type === 'error') io.resume();
    const pair = { ...pending.get(requestId), port, [type]: io };
    if (!pair.data || !pair.error) return void pending.set(requestId, pair);
    pending.delete(requestId);
    const { data, error } = pair;
    dial(port).then(
      async (upstream) => {
        data.pipe(upstream);
        upstream.pipe(data);
        const done = (s: Duplex) => finished(s).catch(() => undefined);
        upstream.on('error', () => data.destroy());
        // Reset by the client, or its connection gone: the pod's side goes too.
        data.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
        await Promise.all([done(upstream), done(data)]);
        error.end();
      },
      (err: Error) => {
        error.end(`error forwarding port ${port} to pod ${pod}: ${err.message}`);
        data.end();
      },
    );
  };
}
