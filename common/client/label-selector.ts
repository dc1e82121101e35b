/**
 * One requirement of a textual label selector, in Kubernetes' full syntax: equality (`app=web`,
 * `app==web`, `app!=web`), sets (`tier in (a,b)`, `tier notin (a)`), existence (`app`, `!app`) and
 * the numeric comparisons client-go's parser accepts (`replicas>1`, `replicas<5`).
 */
export interface LabelRequirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
  values: string[];
}

/** `prefix/name` as Kubernetes validates label keys: an optional DNS subdomain prefix, a name of at most 63 characters. */
const KEY = /^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export class LabelSelectorError extends Error {
  override name = 'LabelSelectorError';
}

/** Splits at the commas between requirements, not those inside a `( ... )` value set. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function checked(part: string, key: string, op: LabelRequirement['op'], values: string[]): LabelRequirement {
  if (!KEY.test(key)) throw new LabelSelectorError(`invalid label selector "${part}": "${key}" is not a valid label key`);
  for (const v of values) if (!VALUE.test(v)) throw new LabelSelectorError(`invalid label selector "${part}": "${v}" is not a valid label value`);
  if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(values[0] ?? ''))
    throw new LabelSelectorError(`invalid label selector "${part}": "${values[0]}" is not an integer`);
  return { key, op, values };
}

function parseRequirement(part: string): LabelRequirement {
  let m = /^!\s*(\S+)$/.exec(part);
  if (m) return checked(part, m[1]!, '!', []);
  m = /^(\S+?)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
  if (m) {
    const values = m[3]!.split(',').map((v) => v.trim());
    if (values.length === 1 && values[0] === '') throw new LabelSelectorError(`invalid label selector "${part}": a value set needs at least one value`);
    return checked(part, m[1]!, m[2] as 'in' | 'notin', values);
  }
  m = /^([^\s=!<>()]+)\s*(!=|==|=|>|<)\s*([^\s=!<>(),]*)$/.exec(part);
  if (m) {
    const op = ({ '!=': '!=', '==': '=', '=': '=', '>': 'gt', '<': 'lt' } as const)[m[2] as '!=' | '==' | '=' | '>' | '<'];
    return checked(part, m[1]!, op, [m[3]!]);
  }
  if (/^[^\s=!<>(),]+$/.test(part)) return checked(part, part, 'exists', []);
  throw new LabelSelectorError(`invalid label selector "${part}": expected key=value, key!=value, key in (a,b), key notin (a,b), key or !key`);
}

/** Parses a label selector as `kubectl -l` and the API take it; throws `LabelSelectorError` on anything else. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  return splitRequirements(text).map(parseRequirement);
}

function matchesOne(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.op) {
    case '=':
    case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const [a, b] = [Number(value), Number(r.values[0])];
      return r.op === 'gt' ? a > b : a < b;
    }
  }
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every((r) => matchesOne(r, labels));
}
