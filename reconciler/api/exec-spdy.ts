import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ExecFrameDecoder, ExecFrameType, encodeFrame, framePayloadJson, resizeFrame } from '../../common/client/exec-frames.js';
import { exitStatus } from '../../common/client/k8s-exec-channels.js';
import type { SpdySession, SpdyStream } from './spdy/spdy-session.js';

/** The remotecommand protocol spoken over SPDY here: v4's streams and its JSON `Status` on the error stream (v5 over SPDY is the same). */
export const SPDY_EXEC_PROTOCOL = 'v4.channel.k8s.io';

export interface SpdyExecOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/**
 * exec and attach over SPDY (kubectl before 1.30, or with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): the client
 * opens one stream per `streamType` it asked for (error always; stdin, stdout, stderr; resize with a TTY). Once all
 * are there, the agent's exec frames are carried to them: output to stdout and stderr, the exit as a v4 Status on
 * the error stream; stdin, its end and resizes (JSON `{"Width","Height"}` objects) go the other way.
 */
export function spdyExecStreams(options: SpdyExecOptions, openAgent: () => Promise<Duplex>, session: () => SpdySession): (stream: SpdyStream) => void {
  const expected = new Set<StreamType>(['error']);
  if (options.stdin) expected.add('stdin');
  if (options.stdout) expected.add('stdout');
  if (options.stderr && !options.tty) expected.add('stderr');
  if (options.tty) expected.add('resize');
  const streams = new Map<StreamType, Duplex>();

  const run = async () => {
    const error = streams.get('error')!;
    let agent: Duplex;
    try {
      agent = await openAgent();
    } catch (err) {
      error.end(JSON.stringify({ metadata: {}, status: 'Failure', message: (err as Error).message, reason: 'InternalError' }));
      await finished(error).catch(() => undefined);
      return session().close();
    }
    let done = false;
    const finish = async (status: object) => {
      if (done) return;
      done = true;
      const outputs = ['stdout', 'stderr', 'error'].flatMap((t) => streams.get(t as StreamType) ?? []);
      for (const s of outputs) s === error ? s.end(JSON.stringify(status)) : s.end();
      await Promise.all(outputs.map((s) => finished(s, { readable: false }).catch(() => undefined)));
      agent.destroy();
      session().close();
    };
    // The client went away (its connection closed the streams): end the command's connection too.
    error.on('close', () => agent.destroy());
    const decoder = new ExecFrameDecoder();
    agent.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type === ExecFrameType.stdout) streams.get('stdout')?.write(frame.payload);
        else if (frame.type === ExecFrameType.stderr) (streams.get('stderr') ?? streams.get('stdout'))?.write(frame.payload);
        else if (frame.type === ExecFrameType.exit) void finish(exitStatus(framePayloadJson<{ exitCode: number }>(frame).exitCode));
      }
    });
    agent.on('close', () => void finish({ metadata: {}, status: 'Failure', message: 'the node agent ended the stream', reason: 'InternalError' }));
    const stdin = streams.get('stdin');
    stdin?.on('data', (d: Buffer) => agent.write(encodeFrame(ExecFrameType.stdin, d)));
    stdin?.on('end', () => agent.write(encodeFrame(ExecFrameType.stdinEnd)));
    let resizes = '';
    streams.get('resize')?.on('data', (d: Buffer) => {
      // A stream of JSON objects, one after another: each complete one is a resize.
      resizes += String(d);
      for (let end = resizes.indexOf('}'); end >= 0; end = resizes.indexOf('}')) {
        const size = JSON.parse(resizes.slice(0, end + 1)) as { Width?: number; Height?: number };
        resizes = resizes.slice(end + 1);
        agent.write(resizeFrame(size.Width ?? 80, size.Height ?? 24));
      }
    });
  };

  return ({ headers, io }) => {
    const type = headers.get('streamtype') as StreamType | undefined;
    if (!type || !expected.has(type) || streams.has(type)) return void io.destroy();
    if (type !== 'stdin' && type !== 'resize') io.resume(); // nothing comes on them; their end must still be read
    streams.set(type, io);
    if (streams.size === expected.size) void run();
  };
}
