/** The supervised processes of the local cluster, seen and killed through its supervisord. */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ApiClient } from '../../common/client/api-client.js';
import type { Node } from '../../common/schema/index.js';
import { run } from '../bench/local-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

const RUN = process.env.MINIK8S_RUN ?? '/run/minik8s';
const SUPERVISOR_LOG = join(process.env.MINIK8S_HOME ?? '/var/lib/minik8s', 'logs', 'supervisord.log');
const ctl = (...args: string[]) => run('supervisorctl', ['-c', `${RUN}/supervisor/supervisord.conf`, ...args]);

/** Every program with its pid, as `supervisorctl status` lists them. */
export async function programs(): Promise<Map<string, number>> {
  // status exits non-zero when any program is not running; its output is still the list.
  const out = await ctl('status').catch((err: Error) => err.message);
  const found = new Map<string, number>();
  for (const m of out.matchAll(/^(\S+)\s+RUNNING\s+pid (\d+),/gm)) found.set(m[1]!, Number(m[2]));
  return found;
}

/** Whether `call` settles within a second: a request the server never answers must not stall the timing. */
const within1s = (call: (signal: AbortSignal) => Promise<boolean>) => () => call(AbortSignal.timeout(1000)).catch(() => false);

/** A TCP connection is accepted (Kafka speaks no HTTP). */
const accepts = (host: string, port: number) => (signal: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, signal }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** What "back" means for a program beyond a new pid: it answers what it serves. */
export function readiness(name: string, client: ApiClient, since: string): () => Promise<boolean> {
  const answers = (url: string) => within1s((signal) => fetch(url, { signal }).then(() => true));
  // open() throws on an error status: any answer it returns is a success.
  const apiAnswers = within1s(async (signal) => (await client.open('GET', '/api/v1/nodes', undefined, signal)).ok);
  const agent = /^agent-(.+)$/.exec(name);
  if (agent)
    return within1s(async (signal) => {
      const node = (await (await client.open('GET', `/api/v1/nodes/${agent[1]}`, undefined, signal)).json()) as Node;
      return (node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '') > since;
    });
  if (name === 'reconciler' || name === 'etcd') return apiAnswers;
  if (name === 'registry') return answers('http://10.100.0.1:5000/v2/');
  if (name === 'gateway') return answers('http://10.100.0.11:80/');
  if (name === 'kafka') return within1s(accepts('127.0.0.1', 9092));
  return async () => true;
}

/**
 * SIGKILLs program `name` (running as `pid`, from `programs()`) and resolves with the seconds until the
 * supervisor had started it again and it answered (`readiness`), or undefined when that took longer than `timeoutMs`.
 */
export async function killAndTimeBack(name: string, pid: number, client: ApiClient, timeoutMs = 20_000): Promise<number | undefined> {
  const since = new Date().toISOString();
  const t0 = performance.now();
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It exited since it was listed: the supervisor is already bringing it back, and that is what is timed.
  }
  const ready = readiness(name, client, since);
  // From supervisord's log, not supervisorctl (each call costs a Python start, too slow to time with).
  const spawned = new RegExp(`spawned: '${name}' with pid (\\d+)`, 'g');
  const respawned = async () => {
    const pids = [...(await readFile(SUPERVISOR_LOG, 'utf8')).matchAll(spawned)].map((m) => Number(m[1]));
    return pids.length > 0 && pids.at(-1) !== pid;
  };
  const back = await eventually(async () => (await respawned()) && (await ready()), timeoutMs);
  return back ? (performance.now() - t0) / 1000 : undefined;
}
