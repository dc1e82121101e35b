import { type Node, type Pod, parseCpuMillis, parseMemoryBytes } from '../../common/schema/index.js';

export interface Resources {
  cpuMillis: number;
  memoryBytes: number;
}

/**
 * What scoring assumes of a container that requests nothing (Kubernetes' non-zero defaults), so pods
 * without requests still spread instead of piling onto whichever node scored best.
 */
export const NON_ZERO_DEFAULTS: Resources = { cpuMillis: 100, memoryBytes: 200 * 1024 * 1024 };

/**
 * What a pod asks of its node: the sum of its containers' requests (limits stand in for missing
 * requests, as in Kubernetes). With `nonZero`, a missing request counts as NON_ZERO_DEFAULTS.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const none = nonZero ? NON_ZERO_DEFAULTS : { cpuMillis: 0, memoryBytes: 0 };
  return pod.spec.containers.reduce<Resources>(
    (sum, c) => {
      const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
      const memory = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
      return {
        cpuMillis: sum.cpuMillis + (cpu === undefined ? none.cpuMillis : parseCpuMillis(cpu)!),
        memoryBytes: sum.memoryBytes + (memory === undefined ? none.memoryBytes : parseMemoryBytes(memory)!),
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
