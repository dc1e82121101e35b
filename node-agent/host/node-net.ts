import { spawn } from 'node:child_process';

/**
 * Runs network commands (`ip`, `iptables-restore`, ...) in the node's network namespace. The agent
 * normally runs inside it already; tests point it at a namespace of their own.
 */
export interface NodeNet {
  /** Resolves with stdout; rejects with the command's stderr when it exits non-zero. */
  run(cmd: string, args: string[], opts?: { input?: string }): Promise<string>;
}

export class NodeNetCommandError extends Error {
  override name = 'NodeNetCommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${exitCode}: ${stderr.trim()}`);
  }
}

/** The current namespace, or `netns` (a path such as /run/netns/mk8s-test-1) entered with nsenter. */
export function nodeNet(netns?: string): NodeNet {
  return {
    run(cmd, args, opts = {}) {
      const [file, argv] = netns ? ['nsenter', [`--net=${netns}`, cmd, ...args]] : [cmd, args];
      return new Promise((resolve, reject) => {
        const child = spawn(file, argv, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new NodeNetCommandError([cmd, ...args].join(' '), code, stderr))));
        // A command that fails early closes its stdin; its exit status tells why, not EPIPE.
        child.stdin?.on('error', () => undefined).end(opts.input);
      });
    },
  };
}
