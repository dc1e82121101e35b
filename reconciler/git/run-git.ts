import { spawn } from 'node:child_process';

/** Who the control plane's own commits (seed, rollback) are by. */
export const MINIK8S_COMMITTER = {
  GIT_AUTHOR_NAME: 'minik8s',
  GIT_AUTHOR_EMAIL: 'minik8s@localhost',
  GIT_COMMITTER_NAME: 'minik8s',
  GIT_COMMITTER_EMAIL: 'minik8s@localhost',
};

export interface GitRunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
}

/** A git command that failed: `stderr` is git's own message, which callers show to users as is. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || `exit code ${code}`}`);
  }
}

/** Runs the ordinary git client and resolves with its stdout (trailing newline trimmed). */
export async function runGit(args: string[], opts: GitRunOptions = {}): Promise<string> {
  return (await runGitRaw(args, opts)).toString('utf8').replace(/\n$/, '');
}

/** Runs git and resolves with its stdout as bytes (for `cat-file --batch`, whose sizes count bytes). */
export function runGitRaw(args: string[], opts: GitRunOptions = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitCommandError(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => undefined); // git may exit before reading its input; the exit code tells
    child.stdin.end(opts.input ?? '');
  });
}
