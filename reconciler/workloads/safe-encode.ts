/** Kubernetes' alphabet for generated name parts: no vowels (no words) and no look-alikes (0/o, 1/l). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** One character of the alphabet per byte. */
export function safeEncode(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => ALPHANUMS[b % ALPHANUMS.length]).join('');
}
