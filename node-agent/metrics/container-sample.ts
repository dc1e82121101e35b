/** One running app container's counters at one moment. */
export interface ContainerSample {
  /** The container's id: a restarted container is a new one, whose counters start again. */
  id: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** CPU time used since the container started, in nanoseconds. */
  cpuNs: number;
  /** When the counters were read (ms since the epoch). */
  at: number;
  /** Memory in use less the file cache the kernel can drop: what Kubernetes calls the working set. */
  workingSetBytes: number;
  /** The attempt this container was created for (0 for the first run). */
  restartCount?: number;
  /** The pod's network counters per interface (read from its sandbox, whose namespace every container of the pod shares). */
  network?: readonly NetworkCounters[];
}

export interface NetworkCounters {
  interface: string;
  rxBytes: number;
  txBytes: number;
}

/** Where the agent's samples come from (Docker on a node, a fake in unit tests). */
export interface StatsSource {
  /** The counters of every running app container of this node's pods. */
  sample(): Promise<ContainerSample[]>;
}

/** The memory part of Docker's stats, cgroup v1 and v2 alike. */
export interface DockerMemoryStats {
  usage?: number;
  stats?: { inactive_file?: number; total_inactive_file?: number };
}

/**
 * Working set as `docker stats` computes it: usage less inactive file pages — cgroup v1's hierarchical
 * `total_inactive_file` where there is one, else v2's `inactive_file`.
 */
export function workingSet(memory: DockerMemoryStats | undefined): number {
  const usage = memory?.usage ?? 0;
  const inactive = memory?.stats?.total_inactive_file ?? memory?.stats?.inactive_file ?? 0;
  return inactive < usage ? usage - inactive : usage;
}
