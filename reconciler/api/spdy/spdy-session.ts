import { Duplex } from 'node:stream';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  goAwayFrame,
  pingFrame,
  RstStatus,
  readStreamId,
  readSynStream,
  rstStreamFrame,
  type SpdyFrame,
  SpdyFrameDecoder,
  SpdyType,
  synReplyFrame,
} from './spdy-frames.js';
import { HeaderZlib } from './spdy-header-zlib.js';

/** One stream a client opened: its headers, and a Duplex of its bytes (ending at the client's FIN; end() sends ours). */
export interface SpdyStream {
  id: number;
  headers: ReadonlyMap<string, string>;
  io: Duplex;
}

/**
 * The server side of a SPDY/3.1 connection as Kubernetes clients use it: they open every stream (odd
 * ids), the server answers each with an empty SYN_REPLY, echoes PINGs, and ignores SETTINGS and
 * WINDOW_UPDATE (spdystream has no flow control). Frames are handled one at a time, in order, since
 * the header blocks share one zlib stream per direction.
 */
export class SpdySession {
  readonly #transport: Duplex;
  readonly #streams = new Map<number, Duplex>();
  readonly #inflate = new HeaderZlib('inflate');
  readonly #deflate = new HeaderZlib('deflate');
  #lastStreamId = 0;
  #closed = false;

  constructor(transport: Duplex, onStream: (stream: SpdyStream) => void) {
    this.#transport = transport;
    const decoder = new SpdyFrameDecoder();
    let chain = Promise.resolve();
    transport.on('data', (chunk: Buffer) => {
      let frames: SpdyFrame[];
      try {
        frames = decoder.push(chunk);
      } catch {
        return this.close(); // a garbled stream cannot be resynchronised
      }
      for (const frame of frames) chain = chain.then(() => this.#handle(frame, onStream)).catch(() => this.close());
    });
    transport.on('close', () => this.close());
    transport.on('error', () => this.close());
  }

  /** Ends every stream and the connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#streams.values()) s.destroy();
    this.#streams.clear();
    if (this.#transport.writable) {
      this.#transport.end(goAwayFrame(this.#lastStreamId));
      // What was written goes first; a peer that keeps its side open is cut off after a while.
      setTimeout(() => this.#transport.destroy(), 5000).unref();
    } else this.#transport.destroy();
    this.#inflate.close();
    this.#deflate.close();
  }

  #send(frame: Buffer): void {
    if (!this.#closed && this.#transport.writable) this.#transport.write(frame);
  }

  async #handle(frame: SpdyFrame, onStream: (stream: SpdyStream) => void): Promise<void> {
    if (this.#closed) return;
    if (!frame.control) {
      const stream = this.#streams.get(frame.streamId);
      if (!stream) return this.#send(rstStreamFrame(frame.streamId, RstStatus.invalidStream));
      if (frame.data.length) stream.push(frame.data);
      if (frame.flags & FLAG_FIN) stream.push(null);
      return;
    }
    switch (frame.type) {
      case SpdyType.synStream: {
        const { streamId, headerBlock } = readSynStream(frame.payload);
        const headers = decodeHeaderBlock(await this.#inflate.run(headerBlock));
        this.#lastStreamId = streamId;
        const io = this.#stream(streamId);
        this.#send(synReplyFrame(streamId, await this.#deflate.run(encodeHeaderBlock(new Map()))));
        if (frame.flags & FLAG_FIN) io.push(null);
        onStream({ id: streamId, headers, io });
        return;
      }
      case SpdyType.rstStream:
        this.#streams.get(readStreamId(frame.payload))?.destroy();
        return;
      case SpdyType.headers:
        // Headers after the SYN_STREAM change nothing here, but they advance the shared zlib stream.
        await this.#inflate.run(frame.payload.subarray(4));
        return;
      case SpdyType.ping:
        // The client's pings (odd ids) come back as they are; the server sends none of its own.
        if (frame.payload.length >= 4 && frame.payload.readUInt32BE(0) % 2 === 1) this.#send(pingFrame(frame.payload.readUInt32BE(0)));
        return;
      case SpdyType.goAway:
        return this.close();
      default:
      // SETTINGS, WINDOW_UPDATE, and types this version does not know: nothing to do.
    }
  }

  #stream(id: number): Duplex {
    const send = (frame: Buffer) => this.#send(frame);
    const io = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        send(dataFrame(id, chunk));
        callback();
      },
      final(callback) {
        send(dataFrame(id, Buffer.alloc(0), true));
        callback();
      },
    });
    io.on('close', () => this.#streams.delete(id));
    this.#streams.set(id, io);
    return io;
  }
}
