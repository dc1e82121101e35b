import type { Command } from 'commander';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import { formatCounts, formatManifestError } from '../../reconciler/sync/sync-report.js';
import type { SyncStatus } from '../../reconciler/sync/sync-types.js';
import { cliContext } from '../cli-context.js';

function describe(s: SyncStatus): string[] {
  const r = s.lastResult;
  const lines = [
    `Source:      ${s.source.type} ${s.source.url} (${s.source.branch})`,
    `Revision:    ${s.lastAppliedRevision ?? '(none applied yet)'}`,
    `Attempted:   ${s.lastAttemptedRevision ?? '(none)'}`,
    `Objects:     ${s.inventory.length}`,
  ];
  if (!r) return lines;
  lines.push(`Result:      ${r.reason}: ${r.message}`, `Time:        ${r.time} (${r.durationMs} ms)`, `Changes:     ${formatCounts(r)}`);
  if (r.errors.length > 0) lines.push('Errors:', ...r.errors.map((e) => `  ${formatManifestError(e)}`));
  return lines;
}

export function register(program: Command): void {
  program
    .command('sync')
    .description('Show the Git sync status: revision, time, changes and per-file errors')
    .option('-o, --output <format>', 'json for the raw status')
    .action(async (opts: { output?: string }) => {
      const { status } = await cliContext().client.request<{ status: SyncStatus }>('GET', `${MINIK8S_API}/sync`);
      console.log(opts.output === 'json' ? JSON.stringify(status, null, 2) : describe(status).join('\n'));
      if (status.lastResult && status.lastResult.reason !== 'Succeeded') process.exitCode = 1;
    });
}
