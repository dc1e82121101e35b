import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPrometheusConfig } from '../../reconciler/observability/prometheus-config.js';
import { testSecurityConfig } from './pki.js';

/** A port nothing listens on now (Prometheus cannot be told to pick one and say which). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ActiveTarget {
  labels: Record<string, string>;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus (Debian's) with the configuration npm start renders, its data in a scratch directory. */
export async function startTestPrometheus(opts: { apiUrl: string; metricsToken: string; port?: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-prometheus-'));
  const listen = `127.0.0.1:${opts.port ?? (await freePort())}`;
  const tokenFile = join(dir, 'metrics-token');
  await writeFile(tokenFile, opts.metricsToken, { mode: 0o600 });
  await writeFile(
    join(dir, 'prometheus.yml'),
    renderPrometheusConfig({ apiUrl: opts.apiUrl, tokenFile, listenAddress: listen, caFile: testSecurityConfig().caFile }),
  );
  const log = createWriteStream(join(dir, 'prometheus.log'));
  const child: ChildProcess = spawn(
    'prometheus',
    ['--config.file', join(dir, 'prometheus.yml'), '--storage.tsdb.path', join(dir, 'data'), '--web.listen-address', listen],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://${listen}`;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const ready = async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (child.exitCode !== null) break;
      if (
        await fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Prometheus did not become ready: ${await readFile(join(dir, 'prometheus.log'), 'utf8')}`);
  };
  await ready();
  return {
    url,
    log: () => readFile(join(dir, 'prometheus.log'), 'utf8'),
    targets: async () => (await api<{ activeTargets: ActiveTarget[] }>('/api/v1/targets?state=active')).activeTargets,
    query: async (promql: string) => (await api<{ result: PrometheusSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`)).result,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type TestPrometheus = Awaited<ReturnType<typeof startTestPrometheus>>;
