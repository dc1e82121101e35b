import type { NodeNet } from './node-net.js';

/**
 * Writes rules atomically with one `iptables-restore --noflush`: chains declared in `rules` are
 * replaced whole, every other chain of the node is left as it is.
 */
export async function restoreRules(net: NodeNet, rules: string): Promise<void> {
  await net.run('iptables-restore', ['-w', '--noflush'], { input: rules });
}

/**
 * Makes `table`'s built-in `chain` jump to `target` once: `first` inserts it at the top when missing
 * (Docker re-inserts its own jumps on restart); `last` keeps it the chain's last rule, moving an earlier
 * copy down (the new one is appended before the old is deleted, so the jump never goes missing).
 */
export async function ensureJump(net: NodeNet, table: 'filter' | 'nat', chain: string, target: string, position: 'first' | 'last' = 'first'): Promise<void> {
  const rule = ['-j', target];
  const iptables = (...args: string[]) => net.run('iptables', ['-w', '-t', table, ...args]);
  if (position === 'first') {
    await iptables('-C', chain, ...rule).catch(() => iptables('-I', chain, '1', ...rule));
    return;
  }
  const spec = `-A ${chain} ${rule.join(' ')}`;
  const rules = (await iptables('-S', chain)).trim().split('\n');
  if (rules.at(-1) === spec) return;
  await iptables('-A', chain, ...rule);
  if (rules.includes(spec)) await iptables('-D', chain, ...rule);
}
