import type { ChoiceRule, Json } from '../../../common/schema/index.js';
import { lookup } from './json-path.js';

type Kind = 'string' | 'numeric' | 'timestamp' | 'boolean';
type Compare = (a: number, b: number) => boolean;

const orderings: Record<string, Compare> = {
  Equals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  GreaterThan: (a, b) => a > b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThanEquals: (a, b) => a >= b,
};

/** `StringLessThanPath` → kind string, ordering LessThan, compared with a path. */
function parseOperator(op: string): { kind: Kind; ordering: Compare; path: boolean } | undefined {
  const m = /^(String|Numeric|Timestamp|Boolean)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(op);
  if (!m) return undefined;
  return { kind: m[1]!.toLowerCase() as Kind, ordering: orderings[m[2]!]!, path: m[3] !== undefined };
}

function isTimestamp(v: Json | undefined): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
}

/** Both sides as numbers that order as the kind does, or undefined when either side is of another type. */
function comparable(kind: Kind, a: Json | undefined, b: Json | undefined): [number, number] | undefined {
  switch (kind) {
    case 'string':
      return typeof a === 'string' && typeof b === 'string' ? [a < b ? -1 : a > b ? 1 : 0, 0] : undefined;
    case 'numeric':
      return typeof a === 'number' && typeof b === 'number' ? [a, b] : undefined;
    case 'timestamp':
      return isTimestamp(a) && isTimestamp(b) ? [Date.parse(a), Date.parse(b)] : undefined;
    case 'boolean':
      return typeof a === 'boolean' && typeof b === 'boolean' ? [Number(a), Number(b)] : undefined;
  }
}

const typeTests: Record<string, (v: Json | undefined) => boolean> = {
  IsPresent: (v) => v !== undefined,
  IsNull: (v) => v === null,
  IsString: (v) => typeof v === 'string',
  IsNumeric: (v) => typeof v === 'number',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: isTimestamp,
};

/** `StringMatches`: `*` matches any run of characters, `\*` a literal star. */
function wildcard(pattern: string, value: string): boolean {
  const source = pattern
    .split(/(\\\\|\\\*|\*)/)
    .map((part) => (part === '*' ? '.*' : part === '\\*' ? '\\*' : part === '\\\\' ? '\\\\' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Whether a Choice rule matches the input. A comparison whose Variable is missing, or of another type
 * than the comparison's, does not match (only IsPresent and the type tests look at such values).
 */
export function ruleMatches(rule: ChoiceRule, input: Json): boolean {
  if (rule.And) return rule.And.every((r) => ruleMatches(r, input));
  if (rule.Or) return rule.Or.some((r) => ruleMatches(r, input));
  if (rule.Not) return !ruleMatches(rule.Not, input);
  const value = rule.Variable === undefined ? undefined : lookup(input, rule.Variable);
  for (const [op, operand] of Object.entries(rule)) {
    const test = typeTests[op];
    if (test) return test(value) === operand;
    if (op === 'StringMatches') return typeof value === 'string' && typeof operand === 'string' && wildcard(operand, value);
    const parsed = parseOperator(op);
    if (!parsed) continue;
    const other = parsed.path ? lookup(input, operand as string) : (operand as Json);
    const pair = comparable(parsed.kind, value, other);
    return pair !== undefined && parsed.ordering(pair[0], pair[1]);
  }
  return false;
}
