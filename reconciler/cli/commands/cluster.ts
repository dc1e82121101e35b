import type { Command } from 'commander';
import { GIT_USER } from '../../config/cluster-config.js';
import { cliContext } from '../cli-context.js';
import { columnsFor, nodeInternalIP, nodeStatus } from '../printers/columns.js';
import { formatTable } from '../printers/table.js';

export function register(program: Command): void {
  const cluster = program.command('cluster').description('Cluster-wide information');
  cluster
    .command('info')
    .description('Print the API URL, the Git URL with its push credential, and the nodes')
    .option('-o, --output <format>', 'json')
    .action(async (opts: { output?: string }) => {
      if (opts.output !== undefined && opts.output !== 'json') throw new Error(`unknown output format "${opts.output}" (cluster info supports: json)`);
      const { config, client } = cliContext();
      const { items: nodes } = await client.list('Node');
      if (opts.output === 'json') {
        const info = {
          api: config.apiUrl,
          git: config.gitUrl,
          gitCredentials: { username: GIT_USER, password: config.token },
          nodes: nodes.map((n) => ({ name: n.metadata.name, status: nodeStatus(n), internalIP: nodeInternalIP(n) ?? null })),
        };
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const now = new Date();
      const columns = columnsFor('Node', true);
      const lines = [
        `API server:      ${config.apiUrl}`,
        `Git repository:  ${config.gitUrl}`,
        `Git credential:  user ${GIT_USER}, password ${config.token}`,
        `                 (git clone ${config.gitUrl}; push with that user and password)`,
        '',
        nodes.length === 0
          ? 'No nodes have joined yet.'
          : formatTable(columns.map((c) => c.header), nodes.map((n) => columns.map((c) => c.cell(n, now)))),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
