import type { Command } from 'commander';
import { ApiError } from '../../common/client/api-error.js';
import type { Deployment } from '../../common/schema/index.js';
import { lookupResourceType } from '../../common/schema/index.js';
import { rolloutStatus } from '../../reconciler/workloads/rollout-status.js';
import { cliContext } from '../cli-context.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration as kubectl takes it (`90s`, `5m`, `1h30m`, `0`), in milliseconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`invalid duration "${text}": use a number with a unit, such as 90s or 5m`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** `deploy/web` or `deploy web` → `web`; only deployments have a rollout here. */
function deploymentName(target: string, name: string | undefined): string {
  const [kind = '', slashName] = target.split('/');
  const type = lookupResourceType(kind);
  if (type?.kind !== 'Deployment') throw new Error(`rollout status supports deployments only (deploy/NAME), not "${target}"`);
  const resolved = slashName ?? name;
  if (!resolved) throw new Error('give the deployment as deploy/NAME');
  return resolved;
}

export function register(program: Command): void {
  const rollout = program.command('rollout').description('Follow the rollout of a deployment');
  rollout
    .command('status')
    .description('Watch a deployment until its rollout finishes; exit code 1 when it times out or misses its progress deadline')
    .argument('<target>', 'deploy/NAME')
    .argument('[name]')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--timeout <duration>', 'how long to wait before giving up (0: no limit), e.g. 90s or 5m', '0')
    .action(async (target: string, nameArg: string | undefined, opts: { namespace: string; timeout: string }) => {
      const name = deploymentName(target, nameArg);
      const timeoutMs = parseDuration(opts.timeout);
      const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
      const { client } = cliContext();
      let last = '';
      const finished = (d: Deployment): boolean => {
        const s = rolloutStatus(d);
        if (s.failed) throw new Error(s.message);
        if (s.message !== last) process.stdout.write(`${s.message}\n`);
        last = s.message;
        return s.done;
      };
      // A watch that ends without an answer (the server went away) is taken up again from a fresh read.
      while (!signal?.aborted) {
        const d = await client.get({ kind: 'Deployment', namespace: opts.namespace, name });
        if (!d) throw new ApiError(404, 'NotFound', `deployments.apps "${name}" not found`);
        if (finished(d)) return;
        for await (const e of client.watch('Deployment', { namespace: opts.namespace, resourceVersion: d.metadata.resourceVersion }, signal)) {
          if (e.object.metadata.name !== name) continue;
          if (e.type === 'DELETED') throw new Error(`deployment "${name}" was deleted`);
          if (finished(e.object)) return;
        }
      }
      throw new Error('timed out waiting for the condition');
    });
}
