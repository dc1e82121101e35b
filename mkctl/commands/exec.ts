import type { Duplex } from 'node:stream';
import type { Command } from 'commander';
import { ExecFrameType, encodeFrame, resizeFrame } from '../../common/client/exec-frames.js';
import { attachExec, execInPod, type PodRef, readExecOutput } from '../../common/client/pod-streams.js';
import { cliContext } from '../cli-context.js';

interface ExecOpts {
  namespace: string;
  container?: string;
  stdin?: boolean;
  tty?: boolean;
}

const output = { stdout: process.stdout, stderr: process.stderr };

/** `-i`: forwards this process' stdin (raw, when `-t` and stdin is a terminal) and terminal size; returns the exit code. */
async function interactive(connection: Duplex, tty: boolean): Promise<number> {
  const { stdin, stdout } = process;
  const raw = tty && stdin.isTTY;
  const sendSize = () => connection.write(resizeFrame(stdout.columns, stdout.rows));
  const onInput = (d: Buffer) => connection.write(encodeFrame(ExecFrameType.stdin, d));
  const onEnd = () => connection.write(encodeFrame(ExecFrameType.stdinEnd));
  if (raw) stdin.setRawMode(true);
  if (tty && stdout.isTTY) {
    sendSize();
    stdout.on('resize', sendSize);
  }
  stdin.on('data', onInput).on('end', onEnd);
  try {
    return await readExecOutput(connection, output);
  } finally {
    stdin.off('data', onInput).off('end', onEnd).pause();
    stdout.off('resize', sendSize);
    if (raw) stdin.setRawMode(false);
    connection.destroy();
  }
}

export function register(program: Command): void {
  program
    .command('exec')
    .description("Run a command in a pod's container; mkctl exits with the command's exit code")
    .usage('POD [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS...]')
    .argument('<pod>')
    .argument('<command...>')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'the container (needed when the pod has several)')
    .option('-i, --stdin', "pass this terminal's input to the command")
    .option('-t, --tty', 'give the command a terminal (with -i, for a shell)')
    .action(async (pod: string, command: string[], opts: ExecOpts) => {
      if (opts.tty && !opts.stdin) throw new Error('-t needs -i: a terminal without input cannot be used (mkctl exec -it POD -- sh)');
      const { client } = cliContext();
      const ref: PodRef = { namespace: opts.namespace, name: pod };
      const request = { command, ...(opts.container && { container: opts.container }) };
      const exitCode = opts.stdin
        ? await interactive(await attachExec(client, ref, { ...request, tty: !!opts.tty }), !!opts.tty)
        : await execInPod(client, ref, request, output);
      process.exitCode = exitCode;
    });
}
