import { parseCpuMillis, parseMemoryBytes, type Usage } from '../schema/index.js';

export type ResourceName = 'cpu' | 'memory';

/** A usage in numbers: millicores and bytes. */
export function usageValues(u: Usage): { cpu: number; memory: number } {
  return { cpu: parseCpuMillis(u.cpu) ?? 0, memory: parseMemoryBytes(u.memory) ?? 0 };
}

/** As kubectl top prints usage: CPU in millicores (`250m`), memory in mebibytes (`12Mi`). */
export function formatUsage(resource: ResourceName, value: number): string {
  return resource === 'cpu' ? `${Math.round(value)}m` : `${Math.round(value / 2 ** 20)}Mi`;
}
