import type { Command } from 'commander';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import { reportSync, waitForSync } from '../../reconciler/sync/sync-report.js';
import { cliContext } from '../cli-context.js';

export function register(program: Command): void {
  program
    .command('rollback')
    .description("Commit a revert of the cluster repository to REVISION's manifests, and sync it")
    .argument('<revision>', 'a commit id (or a unique prefix of one), as `mkctl history` shows')
    .action(async (revision: string) => {
      const client = cliContext().client;
      const r = await client.request<{ revision: string; rolledBackTo: string }>('POST', `${MINIK8S_API}/rollback`, { revision });
      console.log(`rolled back to ${r.rolledBackTo.slice(0, 12)}`);
      const report = reportSync(r.revision, await waitForSync(client, r.revision));
      console.log(report.lines.join('\n'));
      if (!report.ok) process.exitCode = 1;
    });
}
