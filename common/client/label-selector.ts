/** One requirement of a textual selector such as `app=web,tier!=db`. */
export interface LabelRequirement {
  key: string;
  op: '=' | '!=';
  value: string;
}

/** Parses kubectl's equality-based selector syntax (`a=b`, `a==b`, `a!=b`, comma-separated); throws on anything else. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([A-Za-z0-9./_-]+)\s*(!=|==|=)\s*([A-Za-z0-9._-]*)$/.exec(part);
      if (!m) throw new Error(`invalid label selector "${part}": expected key=value or key!=value`);
      return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
    });
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every((r) => (labels?.[r.key] === r.value) === (r.op === '='));
}
