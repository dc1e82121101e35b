import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readClusterCa, readClusterConfig } from '../../common/config/cluster-config.js';
import { kubeconfig } from '../kubeconfig.js';

/** The admin kubeconfig of the cluster mkctl is configured for. */
function adminKubeconfig(): string {
  const config = readClusterConfig();
  return kubeconfig({ server: config.apiUrl, ca: readClusterCa(config), token: config.token });
}

async function output(text: string, file: string | undefined): Promise<void> {
  if (file === undefined) return void process.stdout.write(text);
  // It holds the admin token: readable by its owner only, as cluster.json is.
  await writeFile(file, text, { mode: 0o600 });
  process.stderr.write(`wrote ${file} (use: kubectl --kubeconfig ${file} get nodes, or export KUBECONFIG=${file})\n`);
}

export function register(program: Command): void {
  program
    .command('kubeconfig')
    .description('Print (or write with -o) a kubeconfig for kubectl and the Kubernetes client libraries: server, CA, admin token')
    .option('-o, --output <file>', 'write it to FILE (mode 0600) instead of stdout')
    .action(async (opts: { output?: string }) => output(adminKubeconfig(), opts.output));
  program
    .command('config')
    .description('kubectl-style configuration commands')
    .command('view')
    .description('Print the kubeconfig; --raw includes the token and CA (as kubectl config view --raw), the default redacts them')
    .option('--raw', 'show the credential and CA data')
    .action((opts: { raw?: boolean }) => {
      const text = adminKubeconfig();
      process.stdout.write(opts.raw ? text : text.replace(/(certificate-authority-data|token): .*/g, '$1: DATA+OMITTED'));
    });
}
