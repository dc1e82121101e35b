/**
 * A kubectl table: upper-case headers, columns left-aligned and padded, three spaces apart.
 * `describe` keeps its headers as written (`Type  Reason  Age`), as kubectl does.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], options: { upperCaseHeaders?: boolean } = {}): string {
  const all = [options.upperCaseHeaders === false ? headers : headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('')).join('\n');
}
