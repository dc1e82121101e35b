import { counter, histogram } from '../../common/metrics/registry.js';
import type { Execution } from '../../common/schema/index.js';

const executions = counter({
  name: 'minik8s_workflow_executions_total',
  help: 'Workflow executions that reached a phase (Running when started; Succeeded, Failed, TimedOut when done).',
  labelNames: ['namespace', 'workflow', 'status'],
});
const duration = histogram({
  name: 'minik8s_workflow_execution_duration_seconds',
  help: 'From start to completion of a workflow execution, by final status.',
  labelNames: ['namespace', 'workflow', 'status'],
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

/** Counts a status write that moves an execution to a new phase (written once, so each run counts once per phase). */
export function recordExecutionPhase(before: Execution, after: NonNullable<Execution['status']>): void {
  if (before.status?.phase === after.phase) return;
  const labels = { namespace: before.metadata.namespace ?? 'default', workflow: before.spec.workflow, status: after.phase };
  executions.inc(labels);
  if (after.phase !== 'Running' && after.completionTime)
    duration.observe(labels, Math.max(0, Date.parse(after.completionTime) - Date.parse(after.startTime)) / 1000);
}
