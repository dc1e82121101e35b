/** The supervised processes of the local cluster, seen and killed through its supervisord. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ApiClient } from '../../common/client/api-client.js';
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

/** What "back" means for a program beyond a new pid: it answers what it serves. */
export function readiness(name: string, client: ApiClient, since: string): () => Promise<boolean> {
  const answers = (url: string) => () =>
    fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
  const apiAnswers = () =>
    client.list('Node').then(
      () => true,
      () => false,
    );
  const agent = /^agent-(.+)$/.exec(name);
  if (agent)
    return async () => {
      const node = await client.get({ kind: 'Node', name: agent[1]! }).catch(() => undefined);
      return (node?.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '') > since;
    };
  if (name === 'reconciler' || name === 'etcd') return apiAnswers;
  if (name === 'registry') return answers('http://10.100.0.1:5000/v2/');
  if (name === 'gateway') return answers('http://10.100.0.11:80/');
  return async () => true;
}

/**
 * SIGKILLs a program and resolves with the seconds until the supervisor had started it again and it
 * answered (`readiness`), or undefined when that took longer than `timeoutMs`.
 */
export async function killAndTimeBack(name: string, client: ApiClient, timeoutMs = 20_000): Promise<number | undefined> {
  const pid = (await programs()).get(name);
  if (!pid) throw new Error(`${name} is not running`);
  const since = new Date().toISOString();
  const t0 = performance.now();
  process.kill(pid, 'SIGKILL');
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
