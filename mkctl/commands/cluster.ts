import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_PROMETHEUS_URL, GIT_USER } from '../../common/config/cluster-config.js';
import { repoRoot } from '../../common/paths/repo-root.js';
import { columnsFor, nodeInternalIP, nodeStatus } from '../../common/printers/columns.js';
import { cliContext } from '../cli-context.js';
import { formatTable } from '../printers/table.js';

/** Runs scripts/control-plane.sh on this host (the control-plane host); its exit status becomes ours. */
async function controlPlaneScript(verb: 'start' | 'stop' | 'kill'): Promise<void> {
  const child = spawn('bash', [join(repoRoot, 'scripts', 'control-plane.sh'), verb], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) process.exitCode = code ?? 1;
}

const onlyControlPlane = (what: string) => {
  if (what !== 'control-plane') throw new Error(`unknown component "${what}" (supported: control-plane)`);
};

export function register(program: Command): void {
  const cluster = program.command('cluster').description('Cluster-wide information, and stopping or starting the control plane');
  cluster
    .command('info')
    .description(
      'Print the API URL, the Git URL with its push credential, the cluster CA (and how git trusts it), Prometheus and the web console, and the nodes',
    )
    .option('-o, --output <format>', 'json')
    .action(async (opts: { output?: string }) => {
      if (opts.output !== undefined && opts.output !== 'json') throw new Error(`unknown output format "${opts.output}" (cluster info supports: json)`);
      const { config, client } = cliContext();
      const { items: nodes } = await client.list('Node');
      const prometheus = { url: config.prometheusUrl ?? DEFAULT_PROMETHEUS_URL, viaApi: `${config.apiUrl}/minik8s/v1/prometheus/api/v1/` };
      const consoleUrl = `${config.apiUrl}/console/`;
      if (opts.output === 'json') {
        const info = {
          api: config.apiUrl,
          git: config.gitUrl,
          prometheus,
          console: consoleUrl,
          gitCredentials: { username: GIT_USER, password: config.token },
          certificateAuthority: config.caFile,
          nodes: nodes.map((n) => ({ name: n.metadata.name, status: nodeStatus(n), internalIP: nodeInternalIP(n) ?? null })),
        };
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const now = new Date();
      const columns = columnsFor('Node', true);
      const lines = [
        `API server:      ${config.apiUrl}`,
        `Git repository:  ${config.gitUrl}`,
        `Git credential:  user ${GIT_USER}, password ${config.token}`,
        `                 (git clone and push with that user and password: reads need it too)`,
        `Cluster CA:      ${config.caFile}`,
        `                 (git -c http.sslCAInfo=${config.caFile} clone ..., or export GIT_SSL_CAINFO=${config.caFile};`,
        `                  curl --cacert ${config.caFile}; kubectl: mkctl kubeconfig -o ~/.kube/config)`,
        `Prometheus:      ${prometheus.url}   (loopback on the control-plane host)`,
        `                 elsewhere, with the token: ${prometheus.viaApi}query?query=up`,
        `Web console:     ${consoleUrl}   (sign in with the token)`,
        '',
        nodes.length === 0
          ? 'No nodes have joined yet.'
          : formatTable(
              columns.map((c) => c.header),
              nodes.map((n) => columns.map((c) => c.cell(n, now))),
            ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  cluster
    .command('stop')
    .argument('<component>', 'control-plane')
    .description('Stop the reconciler (API, Git, controllers) and etcd; nodes and their pods keep running')
    .option('--kill', 'SIGKILL at once, as a crash would')
    .action(async (what: string, opts: { kill?: boolean }) => {
      onlyControlPlane(what);
      await controlPlaneScript(opts.kill ? 'kill' : 'stop');
    });
  cluster
    .command('start')
    .argument('<component>', 'control-plane')
    .description('Start etcd and the reconciler again; controllers resume from etcd')
    .action(async (what: string) => {
      onlyControlPlane(what);
      await controlPlaneScript('start');
    });
}
