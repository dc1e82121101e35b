import type { Execution, Workflow } from '../../common/schema/index.js';
import { formatAge, formatDuration } from './age.js';
import type { Column } from './columns.js';

export const workflowColumns: Column<Workflow>[] = [
  { header: 'START-AT', cell: (w) => w.spec.definition.StartAt },
  { header: 'STATES', cell: (w) => String(Object.keys(w.spec.definition.States).length) },
];

/** How long an execution ran (to now while it is running). */
export function executionDuration(e: Execution, now: Date): string {
  if (!e.status) return '<none>';
  const end = e.status.completionTime ? Date.parse(e.status.completionTime) : now.getTime();
  const ms = end - Date.parse(e.status.startTime);
  return ms < 10_000 ? `${(ms / 1000).toFixed(ms < 1000 ? 3 : 1)}s` : formatDuration(ms);
}

export const executionColumns: Column<Execution>[] = [
  { header: 'WORKFLOW', cell: (e) => e.spec.workflow },
  { header: 'STATUS', cell: (e) => e.status?.phase ?? 'Pending' },
  { header: 'STARTED', cell: (e, now) => (e.status ? formatAge(e.status.startTime, now) : '<none>') },
  { header: 'DURATION', cell: executionDuration },
];
