import type { Duplex, Writable } from 'node:stream';
import type { ApiClient } from './api-client.js';
import { objectPath } from './api-paths.js';
import { EXEC_UPGRADE_PROTOCOL, ExecFrameDecoder, ExecFrameType, framePayloadJson } from './exec-frames.js';

export interface PodRef {
  namespace: string;
  name: string;
}

export interface PodLogOptions {
  /** Needed when the pod has several containers. */
  container?: string;
  follow?: boolean;
  tailLines?: number;
  /** The container's previous attempt (after a restart). */
  previous?: boolean;
}

export interface ExecRequest {
  container?: string;
  command: string[];
}

export interface ExecOutput {
  stdout: Writable;
  stderr: Writable;
}

export class ExecStreamError extends Error {
  override name = 'ExecStreamError';
}

const podPath = (pod: PodRef, subresource: string, query: Record<string, string | string[] | undefined>) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of [value ?? []].flat()) q.append(key, v);
  return `${objectPath({ kind: 'Pod', ...pod })}/${subresource}${q.size ? `?${q}` : ''}`;
};

/** A container's logs as the API server streams them (kept open with `follow`). */
export async function podLogs(client: ApiClient, pod: PodRef, opts: PodLogOptions = {}): Promise<AsyncIterable<Uint8Array>> {
  const path = podPath(pod, 'log', {
    container: opts.container,
    follow: opts.follow ? 'true' : undefined,
    tailLines: opts.tailLines === undefined ? undefined : String(opts.tailLines),
    previous: opts.previous ? 'true' : undefined,
  });
  const res = await client.open('GET', path);
  return res.body!;
}

/**
 * Writes exec output frames to `out` as they arrive; resolves with the exit code from the exit frame.
 * A stream that ends without one (the node or the agent went away) is an error.
 */
export async function readExecOutput(frames: AsyncIterable<Uint8Array>, out: ExecOutput): Promise<number> {
  const decoder = new ExecFrameDecoder();
  for await (const chunk of frames) {
    for (const frame of decoder.push(Buffer.from(chunk))) {
      if (frame.type === ExecFrameType.stdout) out.stdout.write(frame.payload);
      else if (frame.type === ExecFrameType.stderr) out.stderr.write(frame.payload);
      else if (frame.type === ExecFrameType.exit) return framePayloadJson<{ exitCode: number }>(frame).exitCode;
    }
  }
  throw new ExecStreamError('the connection to the node agent ended before the command exited');
}

/** Runs a command without input in a pod's container; resolves with its exit code once its output is written. */
export async function execInPod(client: ApiClient, pod: PodRef, req: ExecRequest, out: ExecOutput): Promise<number> {
  const res = await client.open('POST', podPath(pod, 'exec', { container: req.container }), { command: req.command });
  return readExecOutput(res.body!, out);
}

/**
 * Starts a command with input (and a terminal with `tty`): the connection carries exec frames both
 * ways (see exec-frames.ts); the caller sends stdin, stdin-end and resize frames and reads the output
 * with `readExecOutput`.
 */
export function attachExec(client: ApiClient, pod: PodRef, req: ExecRequest & { tty: boolean }): Promise<Duplex> {
  const path = podPath(pod, 'exec', { container: req.container, command: req.command, stdin: 'true', tty: req.tty ? 'true' : undefined });
  return client.upgrade(path, EXEC_UPGRADE_PROTOCOL);
}
