import type { Command } from 'commander';
import { matchesLabels, parseLabelSelector } from '../../common/client/label-selector.js';
import { formatUsage, usageValues } from '../../common/printers/usage.js';
import type { Node, NodeMetrics, Pod } from '../../common/schema/index.js';
import { metricOf, podMetricsFrom } from '../../reconciler/autoscaling/pod-metrics.js';
import { nodeAllocatable } from '../../reconciler/scheduler/pod-requests.js';
import { cliContext } from '../cli-context.js';
import { formatTable } from '../printers/table.js';

/** A report this old no longer shows: its node stopped measuring (agents report every 5 s). */
export const METRICS_MAX_AGE_MS = 30_000;

/** kubectl keeps the units in its headers lower case: `CPU(cores)`. */
const KUBECTL_HEADERS = { upperCaseHeaders: false };

const fresh = (m: NodeMetrics, now: number) => now - Date.parse(m.timestamp) <= METRICS_MAX_AGE_MS;

/** `mkctl top pods`: NAME, CPU(cores), MEMORY(bytes) of the pods shown (NAMESPACE first across namespaces), by name. */
export function topPodsTable(reports: readonly NodeMetrics[], pods: readonly Pod[], now: number, allNamespaces: boolean): string | undefined {
  const usage = podMetricsFrom(reports, now, METRICS_MAX_AGE_MS);
  const rows = pods
    .map((p) => ({ p, u: metricOf(usage, p) }))
    .filter((r) => r.u !== undefined)
    .sort((a, b) => `${a.p.metadata.namespace}/${a.p.metadata.name}`.localeCompare(`${b.p.metadata.namespace}/${b.p.metadata.name}`))
    .map(({ p, u }) => [
      ...(allNamespaces ? [p.metadata.namespace ?? 'default'] : []),
      p.metadata.name,
      formatUsage('cpu', u!.cpu),
      formatUsage('memory', u!.memory),
    ]);
  if (rows.length === 0) return undefined;
  return formatTable([...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], rows, KUBECTL_HEADERS);
}

/**
 * `mkctl top nodes`: what each node's pods use, and as a share of what the node offers pods. The nodes
 * of one machine share its CPUs, so a node's use is its pods', not the machine's.
 */
export function topNodesTable(nodes: readonly Node[], reports: readonly NodeMetrics[], now: number): string {
  const pct = (used: number, of: number) => (of > 0 ? `${Math.round((used * 100) / of)}%` : '<unknown>');
  const rows = [...nodes]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((n) => {
      const report = reports.find((m) => m.metadata.name === n.metadata.name && fresh(m, now));
      if (!report) return [n.metadata.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>'];
      const used = usageValues(report.usage);
      const offered = nodeAllocatable(n);
      return [
        n.metadata.name,
        formatUsage('cpu', used.cpu),
        pct(used.cpu, offered.cpuMillis),
        formatUsage('memory', used.memory),
        pct(used.memory, offered.memoryBytes),
      ];
    });
  return formatTable(['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'], rows, KUBECTL_HEADERS);
}

export function register(program: Command): void {
  const top = program.command('top').description('Display CPU and memory use of pods or nodes, as the node agents last measured it');
  top
    .command('pods')
    .alias('pod')
    .alias('po')
    .description('CPU (cores) and memory (working set) of pods')
    .argument('[name]', 'one pod')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('-l, --selector <selector>', 'label selector such as app=web')
    .action(async (name: string | undefined, opts: { namespace: string; allNamespaces?: boolean; selector?: string }) => {
      const { client } = cliContext();
      const namespace = opts.allNamespaces ? undefined : opts.namespace;
      const selector = parseLabelSelector(opts.selector ?? '');
      const [reports, pods] = await Promise.all([client.list('NodeMetrics'), client.list('Pod', { namespace })]);
      const shown = pods.items.filter((p) => (name === undefined || p.metadata.name === name) && matchesLabels(selector, p.metadata.labels));
      const table = topPodsTable(reports.items, shown, Date.now(), Boolean(opts.allNamespaces));
      if (table) process.stdout.write(`${table}\n`);
      else if (name !== undefined) throw new Error(`Metrics not available for pod ${opts.namespace}/${name}`);
      else process.stderr.write(namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
    });
  top
    .command('nodes')
    .alias('node')
    .alias('no')
    .description('CPU and memory used by the pods of each node, and as a share of its allocatable resources')
    .action(async () => {
      const { client } = cliContext();
      const [nodes, reports] = await Promise.all([client.list('Node'), client.list('NodeMetrics')]);
      process.stdout.write(`${topNodesTable(nodes.items, reports.items, Date.now())}\n`);
    });
}
