/** Kubernetes resource quantities: CPU in cores or millicores, memory in bytes with SI or binary suffixes. */

const CPU = /^(\d+(\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** "500m" → 500, "1" → 1000, 0.5 → 500. Undefined when the text is not a CPU quantity. */
export function parseCpuMillis(q: string | number): number | undefined {
  const m = CPU.exec(String(q));
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[3] === 'm' ? n : n * 1000);
}

/** "128Mi" → 134217728. Undefined when the text is not a memory quantity. */
export function parseMemoryBytes(q: string | number): number | undefined {
  const m = MEMORY.exec(String(q));
  if (!m) return undefined;
  return Math.round(Number(m[1]) * MEMORY_FACTOR[m[3] ?? '']!);
}

export function formatCpuMillis(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatMemoryBytes(bytes: number): string {
  for (const [suffix, f] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${suffix}`;
  }
  return bytes >= 1024 ** 2 ? `${Math.round(bytes / 1024 ** 2)}Mi` : String(bytes);
}
