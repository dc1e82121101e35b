import type { Command } from 'commander';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import type { HistoryEntry } from '../../reconciler/sync/sync-types.js';
import { cliContext } from '../cli-context.js';
import { formatTable } from '../printers/table.js';

export function register(program: Command): void {
  program
    .command('history')
    .description("List the cluster repository's commits with their sync result")
    .option('-o, --output <format>', 'json for the raw entries')
    .action(async (opts: { output?: string }) => {
      const { items } = await cliContext().client.request<{ items: HistoryEntry[] }>('GET', `${MINIK8S_API}/history`);
      if (opts.output === 'json') return void console.log(JSON.stringify(items, null, 2));
      const rows = items.map((h) => [
        h.revision.slice(0, 12),
        h.time.replace(/\.\d+Z$/, 'Z'),
        h.author,
        h.sync?.reason ?? '-',
        h.sync ? `+${h.sync.counts.created} ~${h.sync.counts.configured} -${h.sync.counts.pruned}` : '-',
        `${h.replaced ? '(replaced by a force push) ' : ''}${h.message.split('\n')[0] ?? ''}`,
      ]);
      console.log(formatTable(['REVISION', 'TIME', 'AUTHOR', 'SYNC', 'CHANGES', 'MESSAGE'], rows));
    });
}
