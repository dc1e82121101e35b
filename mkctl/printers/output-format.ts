import { stringify } from 'yaml';
import type { ApiObject } from '../../common/schema/index.js';

export const outputFormats = ['wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function parseOutputFormat(text: string | undefined): OutputFormat | undefined {
  if (text === undefined) return undefined;
  if ((outputFormats as readonly string[]).includes(text)) return text as OutputFormat;
  throw new Error(`unable to match a printer suitable for the output format "${text}", allowed formats are: ${outputFormats.join(',')}`);
}

/**
 * Objects as JSON or YAML, as kubectl prints them: one object alone when one was asked for
 * by name, otherwise a `List`.
 */
export function formatObjects(objects: readonly ApiObject[], format: 'json' | 'yaml', single: boolean): string {
  const value = single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
  return format === 'json' ? JSON.stringify(value, null, 2) : stringify(value).trimEnd();
}
