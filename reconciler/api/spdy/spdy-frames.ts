/**
 * SPDY/3.1 framing, as Kubernetes' streaming (moby/spdystream) speaks it: kubectl's port-forward, and
 * exec/attach where WebSockets are off. Every frame has an 8-byte header:
 *
 *     control: [1][version: 15 bits = 3][type: 16 bits] [flags: 8 bits][length: 24 bits] payload
 *     data:    [0][stream id: 31 bits]                  [flags: 8 bits][length: 24 bits] payload
 *
 * Header blocks (SYN_STREAM, SYN_REPLY, HEADERS) are zlib-compressed (spdy-header-zlib.ts); this file only
 * cuts frames and reads or writes their fixed fields. spdystream has no flow control: WINDOW_UPDATE is ignored.
 */
export const SpdyType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
export const FLAG_FIN = 0x01;
/** RST_STREAM status codes. */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6 } as const;

export type SpdyFrame = { control: false; streamId: number; flags: number; data: Buffer } | { control: true; type: number; flags: number; payload: Buffer };

const HEADER = 8;
const VERSION = 3;

export class SpdyFrameError extends Error {
  override name = 'SpdyFrameError';
}

/** Turns bytes as they arrive (split anywhere) into whole frames. */
export class SpdyFrameDecoder {
  #buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.#buffered = this.#buffered.length ? Buffer.concat([this.#buffered, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.#buffered.length >= HEADER) {
      const end = HEADER + this.#buffered.readUIntBE(5, 3);
      if (this.#buffered.length < end) break;
      const first = this.#buffered.readUInt32BE(0);
      const flags = this.#buffered.readUInt8(4);
      const body = Buffer.from(this.#buffered.subarray(HEADER, end));
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== VERSION) throw new SpdyFrameError(`SPDY version ${version} is not spoken here (only 3.1)`);
        frames.push({ control: true, type: first & 0xffff, flags, payload: body });
      } else frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: body });
      this.#buffered = this.#buffered.subarray(end);
    }
    return frames;
  }
}

function frame(first: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(first >>> 0, 0);
  header.writeUInt8(flags, 4);
  header.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([header, payload]);
}

const control = (type: number, flags: number, payload: Buffer) => frame((0x8000 | VERSION) * 0x10000 + type, flags, payload);
const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

export const dataFrame = (streamId: number, data: Buffer, fin = false): Buffer => frame(streamId & 0x7fffffff, fin ? FLAG_FIN : 0, data);
/** SYN_REPLY with an already compressed header block. */
export const synReplyFrame = (streamId: number, headerBlock: Buffer, fin = false): Buffer =>
  control(SpdyType.synReply, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));
export const rstStreamFrame = (streamId: number, status: number): Buffer => control(SpdyType.rstStream, 0, u32(streamId & 0x7fffffff, status));
export const pingFrame = (id: number): Buffer => control(SpdyType.ping, 0, u32(id));
export const goAwayFrame = (lastStreamId: number): Buffer => control(SpdyType.goAway, 0, u32(lastStreamId & 0x7fffffff, 0));

/** The stream a SYN_STREAM opens and its compressed header block (associated stream, priority and slot skipped). */
export function readSynStream(payload: Buffer): { streamId: number; headerBlock: Buffer } {
  if (payload.length < 10) throw new SpdyFrameError('SYN_STREAM frame too short');
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(10) };
}

/** The stream id that RST_STREAM, HEADERS, WINDOW_UPDATE and PING (its id) carry first. */
export function readStreamId(payload: Buffer): number {
  if (payload.length < 4) throw new SpdyFrameError('control frame too short');
  return payload.readUInt32BE(0) & 0x7fffffff;
}

/** A decompressed header block: `[count][len name][name][len value][value]...`, values NUL-separated when repeated. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let at = 0;
  const take = (n: number) => {
    if (at + n > block.length) throw new SpdyFrameError('truncated header block');
    const part = block.subarray(at, at + n);
    at += n;
    return part;
  };
  const count = take(4).readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    headers.set(name, value.split('\0')[0] ?? '');
  }
  return headers;
}

export function encodeHeaderBlock(headers: ReadonlyMap<string, string>): Buffer {
  const parts = [u32(headers.size)];
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}
