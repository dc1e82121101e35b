import type Dockerode from 'dockerode';
import { LABELS, SANDBOX } from '../runtime/docker-labels.js';
import { type ContainerSample, type DockerMemoryStats, type NetworkCounters, type StatsSource, workingSet } from './container-sample.js';

interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: DockerMemoryStats;
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/**
 * Samples this node's running app containers through Docker: one list, then one-shot stats (no second
 * sample inside Docker, so no second of waiting) for every container at once, sandboxes included for the
 * pods' network counters. CPU rates come from two of these samples, taken by the caller an interval apart.
 */
export class DockerStatsSource implements StatsSource {
  constructor(
    readonly docker: Dockerode,
    readonly nodeName: string,
  ) {}

  async sample(): Promise<ContainerSample[]> {
    const infos = await this.docker.listContainers({ filters: { label: [`${LABELS.node}=${this.nodeName}`], status: ['running'] } });
    const ours = infos.filter((c) => c.Labels[LABELS.container]);
    const stats = await Promise.all(ours.map((c) => this.#stats(c.Id)));
    const networkByPod = new Map<string, NetworkCounters[]>();
    ours.forEach((c, i) => {
      const s = stats[i];
      if (c.Labels[LABELS.container] === SANDBOX && s?.networks) networkByPod.set(c.Labels[LABELS.podUid] ?? '', networkCounters(s.networks));
    });
    const samples: ContainerSample[] = [];
    ours.forEach((c, i) => {
      const s = stats[i];
      if (c.Labels[LABELS.container] === SANDBOX || !s) return;
      const sample = sampleOf(c, s, networkByPod.get(c.Labels[LABELS.podUid] ?? ''));
      if (sample) samples.push(sample);
    });
    return samples;
  }

  async #stats(id: string): Promise<DockerStats | undefined> {
    try {
      return (await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false })) as DockerStats;
    } catch {
      // Gone between the list and the stats (it exited or was removed): it has nothing more to report.
      return undefined;
    }
  }
}

function networkCounters(networks: NonNullable<DockerStats['networks']>): NetworkCounters[] {
  return Object.entries(networks).map(([name, n]) => ({ interface: name, rxBytes: n.rx_bytes ?? 0, txBytes: n.tx_bytes ?? 0 }));
}

function sampleOf(info: Dockerode.ContainerInfo, stats: DockerStats, network: NetworkCounters[] | undefined): ContainerSample | undefined {
  const cpuNs = stats.cpu_stats?.cpu_usage?.total_usage;
  if (cpuNs === undefined) return undefined;
  const read = Date.parse(stats.read ?? '');
  return {
    id: info.Id,
    namespace: info.Labels[LABELS.podNamespace] ?? 'default',
    pod: info.Labels[LABELS.podName] ?? '',
    podUid: info.Labels[LABELS.podUid] ?? '',
    container: info.Labels[LABELS.container] ?? '',
    cpuNs,
    at: Number.isFinite(read) && read > 0 ? read : Date.now(),
    workingSetBytes: workingSet(stats.memory_stats),
    restartCount: Number(info.Labels[LABELS.restartCount] ?? 0),
    ...(network && { network }),
  };
}
