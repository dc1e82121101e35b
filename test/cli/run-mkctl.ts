import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { main } from '../../mkctl/main.js';
import { TEST_TOKEN } from '../helpers/api-server.js';
import { TEST_ETCD } from '../helpers/etcd.js';
import { testSecurityConfig } from '../helpers/pki.js';

const MAIN = new URL('../../mkctl/main.ts', import.meta.url).pathname;

/** A cluster.json pointing at `apiUrl`, removed when the test ends; returns its path. */
export async function writeTestConfig(t: ExecutionContext, apiUrl: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mkctl-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'cluster.json');
  const config = {
    apiUrl,
    gitUrl: 'https://127.0.0.1:6443/git/cluster.git',
    token: TEST_TOKEN,
    joinToken: 'test-join-token-0123456789',
    ...testSecurityConfig(),
    etcdEndpoints: [TEST_ETCD],
    listen: { host: '127.0.0.1', port: 6443 },
  };
  await writeFile(path, JSON.stringify(config));
  return path;
}

export interface MkctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs mkctl's `main` in this process with stdout and stderr captured: fast, but it swaps globals,
 * so tests using it must be serial.
 */
export async function mkctlInProcess(configPath: string, args: string[]): Promise<MkctlResult> {
  const out = { stdout: '', stderr: '' };
  const { stdout, stderr } = process;
  const writeOut = stdout.write;
  const writeErr = stderr.write;
  const previousConfig = process.env.MINIK8S_CONFIG;
  stdout.write = ((chunk: string) => {
    out.stdout += chunk;
    return true;
  }) as typeof stdout.write;
  stderr.write = ((chunk: string) => {
    out.stderr += chunk;
    return true;
  }) as typeof stderr.write;
  process.env.MINIK8S_CONFIG = configPath;
  process.exitCode = 0;
  try {
    await main(['node', 'mkctl', ...args]);
    return { code: Number(process.exitCode ?? 0), ...out };
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
    process.exitCode = 0;
    if (previousConfig === undefined) delete process.env.MINIK8S_CONFIG;
    else process.env.MINIK8S_CONFIG = previousConfig;
  }
}

/** Runs mkctl from source in a child process, as a user would: stdout, stderr and the real exit code. */
export function runMkctl(configPath: string, args: string[]): Promise<MkctlResult> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); await main(['node', 'mkctl', ...process.argv.slice(1)]);`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, ...args],
      { env: { ...process.env, MINIK8S_CONFIG: configPath } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
