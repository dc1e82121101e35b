import { Duplex, PassThrough } from 'node:stream';
import test from 'ava';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  pingFrame,
  type SpdyFrame,
  SpdyFrameDecoder,
  SpdyType,
} from '../../reconciler/api/spdy/spdy-frames.js';
import { HeaderZlib, SPDY_HEADER_DICTIONARY } from '../../reconciler/api/spdy/spdy-header-zlib.js';
import { SpdySession, type SpdyStream } from '../../reconciler/api/spdy/spdy-session.js';

/** A client's SYN_STREAM, as spdystream writes it: stream id, no associated stream, priority 0, compressed headers. */
async function synStream(zlib: HeaderZlib, streamId: number, headers: Record<string, string>, fin = false): Promise<Buffer> {
  const block = await zlib.run(encodeHeaderBlock(new Map(Object.entries(headers))));
  const payload = Buffer.concat([Buffer.from([0, 0, 0, streamId, 0, 0, 0, 0, 0, 0]), block]);
  const header = Buffer.from([0x80, 3, 0, SpdyType.synStream, fin ? FLAG_FIN : 0, 0, 0, 0]);
  header.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([header, payload]);
}

/** Both ends of an in-memory connection: what the test writes the session reads, and back. */
function connection() {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = Duplex.from({ readable: toServer, writable: toClient });
  const frames: SpdyFrame[] = [];
  const decoder = new SpdyFrameDecoder();
  const arrived: Array<() => void> = [];
  toClient.on('data', (chunk: Buffer) => {
    frames.push(...decoder.push(chunk));
    for (const wake of arrived.splice(0)) wake();
  });
  const next = async (n: number) => {
    while (frames.length < n) await new Promise<void>((resolve) => arrived.push(resolve));
    return frames.slice(0, n);
  };
  return { server, send: (b: Buffer) => toServer.write(b), next };
}

test('the SPDY/3 header dictionary is the one the specification lists', (t) => {
  t.is(SPDY_HEADER_DICTIONARY.length, 1423);
  t.true(SPDY_HEADER_DICTIONARY.subarray(0, 11).equals(Buffer.from('\0\0\0\x07options')));
  t.true(SPDY_HEADER_DICTIONARY.toString('latin1').endsWith('charset=iso-8859-1,utf-,*,enq=0.'));
});

test('a stream the client opens is answered with SYN_REPLY, its data passes both ways and its FIN ends it', async (t) => {
  const c = connection();
  const streams: SpdyStream[] = [];
  new SpdySession(c.server, (s) => {
    streams.push(s);
    s.io.on('data', (d: Buffer) => s.io.write(Buffer.from(`echo ${d}`)));
    s.io.on('end', () => s.io.end());
  });
  const deflate = new HeaderZlib('deflate');
  c.send(await synStream(deflate, 1, { streamType: 'data', port: '8080', requestID: '0' }));
  c.send(dataFrame(1, Buffer.from('hi')));
  c.send(dataFrame(1, Buffer.alloc(0), true));
  c.send(pingFrame(7));
  // The ping's answer may come before the echo: sort the stream's frames from the connection's.
  const frames = await c.next(4);
  const [reply, ping] = [SpdyType.synReply, SpdyType.ping].map((type) => frames.find((f) => f.control && f.type === type));
  const [echo, fin] = frames.filter((f) => !f.control);
  t.like(reply, { control: true, type: SpdyType.synReply });
  const inflate = new HeaderZlib('inflate');
  t.is(decodeHeaderBlock(await inflate.run((reply as { payload: Buffer }).payload.subarray(4))).size, 0);
  t.deepEqual(
    streams[0]?.headers,
    new Map([
      ['streamtype', 'data'],
      ['port', '8080'],
      ['requestid', '0'],
    ]),
  );
  t.like(echo, { control: false, streamId: 1, data: Buffer.from('echo hi') });
  t.like(fin, { control: false, streamId: 1, flags: FLAG_FIN });
  t.like(ping, { control: true, type: SpdyType.ping, payload: Buffer.from([0, 0, 0, 7]) });
  deflate.close();
  inflate.close();
});
