/**
 * The wire format of `exec` between mkctl, the API server and the node agent. Both the plain
 * `POST .../exec` response body and the two directions of an upgraded (`Upgrade: minik8s-exec`)
 * connection are a sequence of frames:
 *
 *     [type: 1 byte][length: uint32 big-endian][payload: length bytes]
 *
 * stdout and stderr carry the command's output (with a TTY everything is stdout); stdin and
 * stdin-end go from the client to the command; resize carries `{"cols":N,"rows":N}`; exit is the
 * last frame the server sends, `{"exitCode":N}`. A tiny framing rather than raw bytes so the exit
 * code, stderr and terminal resizes share one connection with the output.
 */
export const ExecFrameType = { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, stdinEnd: 5 } as const;
export type ExecFrameType = (typeof ExecFrameType)[keyof typeof ExecFrameType];

export interface ExecFrame {
  type: ExecFrameType;
  payload: Buffer;
}

/** The `Upgrade` token of an interactive exec connection. */
export const EXEC_UPGRADE_PROTOCOL = 'minik8s-exec';
/** The content type of a plain exec response body. */
export const EXEC_FRAMES_CONTENT_TYPE = 'application/vnd.minik8s.exec-frames';

const HEADER = 5;
const TYPES = new Set<number>(Object.values(ExecFrameType));

export function encodeFrame(type: ExecFrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

export const exitFrame = (exitCode: number): Buffer => encodeFrame(ExecFrameType.exit, JSON.stringify({ exitCode }));
export const resizeFrame = (cols: number, rows: number): Buffer => encodeFrame(ExecFrameType.resize, JSON.stringify({ cols, rows }));

/** Reads the JSON payload of an exit or resize frame. */
export function framePayloadJson<T>(frame: ExecFrame): T {
  return JSON.parse(frame.payload.toString('utf8')) as T;
}

export class ExecFrameError extends Error {
  override name = 'ExecFrameError';
}

/** Turns bytes as they arrive (split anywhere) back into whole frames. */
export class ExecFrameDecoder {
  #buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ExecFrame[] {
    this.#buffered = this.#buffered.length ? Buffer.concat([this.#buffered, chunk]) : chunk;
    const frames: ExecFrame[] = [];
    while (this.#buffered.length >= HEADER) {
      const type = this.#buffered.readUInt8(0);
      if (!TYPES.has(type)) throw new ExecFrameError(`unknown exec frame type ${type}`);
      const end = HEADER + this.#buffered.readUInt32BE(1);
      if (this.#buffered.length < end) break;
      frames.push({ type: type as ExecFrameType, payload: Buffer.from(this.#buffered.subarray(HEADER, end)) });
      this.#buffered = this.#buffered.subarray(end);
    }
    return frames;
  }

  /** True when the stream ended between frames, as a well-behaved peer ends it. */
  get atBoundary(): boolean {
    return this.#buffered.length === 0;
  }
}
