import { type ExecFrame, ExecFrameType, encodeFrame, framePayloadJson, resizeFrame } from './exec-frames.js';

/**
 * Kubernetes' streaming protocols over WebSocket (`v4.channel.k8s.io`, `v5.channel.k8s.io`): every
 * binary message starts with its channel byte. stdin 0, stdout 1, stderr 2, error 3 (the final
 * `Status`, carrying the exit code), resize 4 (`{"Width":N,"Height":N}`); v5 adds 255, "close this
 * channel", with which a client ends its stdin.
 */
export const K8S_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The Status a v4/v5 error channel ends an exec with. */
export function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** One minik8s exec frame from the node agent as the WebSocket message a Kubernetes client reads (undefined: nothing to send). */
export function channelMessageOf(frame: ExecFrame): Buffer | undefined {
  const withChannel = (channel: number, payload: Buffer) => Buffer.concat([Buffer.from([channel]), payload]);
  switch (frame.type) {
    case ExecFrameType.stdout:
      return withChannel(Channel.stdout, frame.payload);
    case ExecFrameType.stderr:
      return withChannel(Channel.stderr, frame.payload);
    case ExecFrameType.exit:
      return withChannel(Channel.error, Buffer.from(JSON.stringify(exitStatus(framePayloadJson<{ exitCode: number }>(frame).exitCode))));
    default:
      // The agent sends only output and the exit; anything else is not for the client.
      return undefined;
  }
}

/** A client's WebSocket message as the exec frame for the node agent (undefined: nothing to forward). */
export function execFrameOf(message: Buffer): Buffer | undefined {
  const channel = message[0];
  const data = message.subarray(1);
  if (channel === Channel.stdin) return data.length ? encodeFrame(ExecFrameType.stdin, data) : undefined;
  if (channel === Channel.resize) {
    const size = JSON.parse(data.toString('utf8')) as { Width?: number; Height?: number };
    return resizeFrame(size.Width ?? 80, size.Height ?? 24);
  }
  if (channel === Channel.close && data[0] === Channel.stdin) return encodeFrame(ExecFrameType.stdinEnd);
  return undefined;
}
