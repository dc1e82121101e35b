import type { Readable, Writable } from 'node:stream';

export interface ExecOptions {
  command: string[];
  /** A terminal: output is one stream (stdout) and input is typed keys. */
  tty: boolean;
  /** Whether the command reads input from `ExecSession.stdin`. */
  stdin: boolean;
}

/** A command running inside a container, with its streams; the seam for `mkctl exec`. */
export interface ExecSession {
  /** Both end when the command exits; with a TTY, stderr stays empty. */
  stdout: Readable;
  stderr: Readable;
  /** Present when asked for; ending it closes the command's stdin. */
  stdin?: Writable;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves once the output has ended. */
  exitCode: Promise<number>;
  /** Drops the connection to the command (the client went away). */
  close(): void;
}

/** Starts commands in running containers, or attaches to their main process. */
export interface ContainerExec {
  exec(containerId: string, opts: ExecOptions): Promise<ExecSession>;
  /** The main process's output from now on (pods take no stdin or TTY here); it ends with the container, exit code 0. */
  attach(containerId: string): Promise<ExecSession>;
}
