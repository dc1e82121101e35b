import type { Command } from 'commander';
import { ApiClient } from '../../client/api-client.js';
import { MINIK8S_API } from '../../client/api-paths.js';
import { readClusterConfig } from '../../config/cluster-config.js';
import type { HistoryEntry } from '../../sync/sync-types.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function register(program: Command): void {
  program
    .command('history')
    .description("List the cluster repository's commits with their sync result")
    .option('-o, --output <format>', 'json for the raw entries')
    .action(async (opts: { output?: string }) => {
      const config = readClusterConfig();
      const { items } = await new ApiClient({ baseUrl: config.apiUrl, token: config.token }).request<{ items: HistoryEntry[] }>('GET', `${MINIK8S_API}/history`);
      if (opts.output === 'json') return void console.log(JSON.stringify(items, null, 2));
      const rows = items.map((h) => [
        h.revision.slice(0, 12),
        h.time.replace(/\.\d+Z$/, 'Z'),
        h.author,
        h.sync?.reason ?? '-',
        h.sync ? `+${h.sync.counts.created} ~${h.sync.counts.configured} -${h.sync.counts.pruned}` : '-',
        h.message.split('\n')[0] ?? '',
      ]);
      console.log(table([['REVISION', 'TIME', 'AUTHOR', 'SYNC', 'CHANGES', 'MESSAGE'], ...rows]));
    });
}
