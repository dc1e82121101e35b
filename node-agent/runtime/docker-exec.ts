import { type Duplex, PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ContainerExec, ExecOptions, ExecSession } from './container-exec.js';

/** `ContainerExec` on Docker's exec API, over a hijacked connection so input and output stream both ways. */
export class DockerExec implements ContainerExec {
  readonly #docker: Dockerode;

  constructor(docker: Dockerode) {
    this.#docker = docker;
  }

  async exec(containerId: string, opts: ExecOptions): Promise<ExecSession> {
    const exec = await this.#docker.getContainer(containerId).exec({
      Cmd: opts.command,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: opts.stdin,
      Tty: opts.tty,
    });
    const stream = (await exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    // Without a TTY Docker multiplexes stdout and stderr on one connection; with one, it is raw bytes.
    if (opts.tty) stream.pipe(stdout, { end: false });
    else this.#docker.modem.demuxStream(stream, stdout, stderr);
    const exitCode = ended(stream).then(async () => {
      stdout.end();
      stderr.end();
      return exitCodeOf(exec);
    });
    return {
      stdout,
      stderr,
      ...(opts.stdin && { stdin: stream }),
      resize: async (cols, rows) => {
        await exec.resize({ w: cols, h: rows });
      },
      exitCode,
      close: () => stream.destroy(),
    };
  }

  async attach(containerId: string): Promise<ExecSession> {
    const stream = (await this.#docker.getContainer(containerId).attach({ stream: true, stdout: true, stderr: true, logs: false })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    // Pods run without a TTY here, so Docker multiplexes the two streams.
    this.#docker.modem.demuxStream(stream, stdout, stderr);
    const exitCode = ended(stream).then(() => {
      stdout.end();
      stderr.end();
      return 0;
    });
    return { stdout, stderr, resize: async () => undefined, exitCode, close: () => stream.destroy() };
  }
}

/** Resolves once Docker's stream is over, however it ended. */
function ended(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    stream
      .once('end', resolve)
      .once('close', resolve)
      .once('error', () => resolve());
  });
}

/**
 * The exit code once Docker has recorded it. The output can end a moment before the exec is marked
 * finished and Docker has no event for that, so this asks again briefly before giving up with -1.
 */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return -1;
}
