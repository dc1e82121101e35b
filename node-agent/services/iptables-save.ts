/** What `iptables-save` shows of a table: its chains, and its rules as written (`-A CHAIN ...`). */
export interface SavedTable {
  chains: Set<string>;
  rules: string[];
}

export type SavedRules = Map<string, SavedTable>;

/** Reads `iptables-save` output (every table, or the one asked for) into chains and rules per table. */
export function parseIptablesSave(text: string): SavedRules {
  const tables: SavedRules = new Map();
  let current: SavedTable | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = { chains: new Set(), rules: [] };
      tables.set(line.slice(1).trim(), current);
    } else if (line.startsWith(':')) current?.chains.add(line.slice(1).split(' ')[0]!);
    else if (line.startsWith('-A ')) current?.rules.push(line.trim());
  }
  return tables;
}

/** Whether `table`'s `chain` has a rule jumping to `target`. */
export function hasJump(saved: SavedRules, table: string, chain: string, target: string): boolean {
  return saved.get(table)?.rules.some((r) => r.startsWith(`-A ${chain} `) && r.endsWith(` -j ${target}`)) ?? false;
}
