import { columnsFor } from '../../common/printers/columns.js';
import type { ApiObject, Kind } from '../../common/schema/index.js';

/** What a Table row carries besides its cells (`includeObject`): nothing, the metadata (the default) or the whole object. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: { name: string; type: 'string'; format: string; description: string; priority: number }[];
  rows: { cells: string[]; object?: unknown }[];
}

/** True when the client asked for a `meta.k8s.io/v1` Table (kubectl get does), before any plain JSON it also accepts. */
export function wantsTable(accept: string | undefined): boolean {
  const first = (accept ?? '').split(',')[0] ?? '';
  const params = new Map(
    first
      .split(';')
      .slice(1)
      .map((p) => p.trim().split('=') as [string, string]),
  );
  return params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') ?? 'v1') === 'v1';
}

export function parseIncludeObject(value: unknown): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw new Error(`includeObject must be None, Metadata or Object, got "${String(value)}"`);
}

function rowObject(o: ApiObject, include: IncludeObject): unknown {
  if (include === 'Object') return o;
  if (include === 'Metadata') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  return undefined;
}

/**
 * The Table kubectl prints, from the same column definitions `mkctl get` prints: the `-o wide`
 * columns have priority 1, so kubectl shows them only when asked, as mkctl does.
 */
export function buildTable(
  kind: Kind,
  objects: readonly ApiObject[],
  opts: { resourceVersion?: string; continue?: string; include: IncludeObject; now: Date },
): Table {
  const columns = columnsFor(kind, true);
  const narrow = new Set(columnsFor(kind, false));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...(opts.resourceVersion && { resourceVersion: opts.resourceVersion }), ...(opts.continue && { continue: opts.continue }) },
    columnDefinitions: columns.map((c) => ({
      name: c.header,
      type: 'string',
      format: c.header === 'NAME' ? 'name' : '',
      description: c.description ?? c.header,
      priority: narrow.has(c) ? 0 : 1,
    })),
    rows: objects.map((o) => {
      const object = rowObject(o, opts.include);
      return { cells: columns.map((c) => c.cell(o, opts.now)), ...(object !== undefined && { object }) };
    }),
  };
}
