import { type Node, type Pod, parseCpuMillis, parseMemoryBytes } from '../schema/index.js';

export interface Resources {
  cpuMillis: number;
  memoryBytes: number;
}

/** What a pod asks of its node: the sum of its containers' requests (limits stand in for missing requests, as in Kubernetes). */
export function podRequests(pod: Pod): Resources {
  return pod.spec.containers.reduce<Resources>(
    (sum, c) => {
      const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
      const memory = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
      return {
        cpuMillis: sum.cpuMillis + (cpu === undefined ? 0 : parseCpuMillis(cpu)!),
        memoryBytes: sum.memoryBytes + (memory === undefined ? 0 : parseMemoryBytes(memory)!),
      };
    },
    { cpuMillis: 0, memoryBytes: 0 },
  );
}

// Nodes from an informer are immutable, so their parsed allocatable can be kept beside them.
const allocatableCache = new WeakMap<Node, Resources>();

export function nodeAllocatable(node: Node): Resources {
  let r = allocatableCache.get(node);
  if (!r) {
    const a = node.status?.allocatable ?? node.status?.capacity;
    r = { cpuMillis: parseCpuMillis(a?.cpu ?? '0') ?? 0, memoryBytes: parseMemoryBytes(a?.memory ?? '0') ?? 0 };
    allocatableCache.set(node, r);
  }
  return r;
}

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Pods that hold a node's resources: bound and not finished. */
export function holdsResources(pod: Pod): boolean {
  return pod.spec.nodeName !== undefined && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}
