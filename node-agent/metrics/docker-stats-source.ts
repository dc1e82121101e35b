import type Dockerode from 'dockerode';
import { LABELS, SANDBOX } from '../runtime/docker-labels.js';
import { type ContainerSample, type DockerMemoryStats, type StatsSource, workingSet } from './container-sample.js';

interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: DockerMemoryStats;
}

/**
 * Samples this node's running app containers through Docker: one list, then one-shot stats (no second
 * sample inside Docker, so no second of waiting) for every container at once. CPU rates come from two
 * of these samples, taken by the caller an interval apart.
 */
export class DockerStatsSource implements StatsSource {
  constructor(
    readonly docker: Dockerode,
    readonly nodeName: string,
  ) {}

  async sample(): Promise<ContainerSample[]> {
    const infos = await this.docker.listContainers({ filters: { label: [`${LABELS.node}=${this.nodeName}`], status: ['running'] } });
    const apps = infos.filter((c) => c.Labels[LABELS.container] && c.Labels[LABELS.container] !== SANDBOX);
    const samples = await Promise.all(apps.map((c) => this.#sampleOne(c)));
    return samples.filter((s): s is ContainerSample => s !== undefined);
  }

  async #sampleOne(info: Dockerode.ContainerInfo): Promise<ContainerSample | undefined> {
    let stats: DockerStats;
    try {
      stats = (await this.docker.getContainer(info.Id).stats({ stream: false, 'one-shot': true } as { stream: false })) as DockerStats;
    } catch {
      // Gone between the list and the stats (it exited or was removed): it has nothing more to report.
      return undefined;
    }
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
    };
  }
}
