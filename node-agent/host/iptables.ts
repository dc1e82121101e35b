import type { NodeNet } from './node-net.js';

/**
 * Writes rules atomically with one `iptables-restore --noflush`: chains declared in `rules` are
 * replaced whole, every other chain of the node is left as it is.
 */
export async function restoreRules(net: NodeNet, rules: string): Promise<void> {
  await net.run('iptables-restore', ['-w', '--noflush'], { input: rules });
}

/** Makes `table`'s built-in `chain` jump to `target` first, once (Docker re-inserts its own jumps on restart). */
export async function ensureJump(net: NodeNet, table: 'filter' | 'nat', chain: string, target: string, match: string[] = []): Promise<void> {
  const rule = [...match, '-j', target];
  try {
    await net.run('iptables', ['-w', '-t', table, '-C', chain, ...rule]);
  } catch {
    await net.run('iptables', ['-w', '-t', table, '-I', chain, '1', ...rule]);
  }
}
