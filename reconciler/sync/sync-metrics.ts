import { counter, histogram } from '../../common/metrics/registry.js';

/** The Git sync's series: one observation per sync that got as far as a result (Succeeded, ValidationFailed, FetchFailed, ApplyFailed). */
export const syncMetrics = {
  duration: histogram({ name: 'minik8s_sync_duration_seconds', help: 'How long a Git sync took, by result.', labelNames: ['result'] }),
  syncs: counter({ name: 'minik8s_sync_total', help: 'Git syncs by result.', labelNames: ['result'] }),
  objects: counter({
    name: 'minik8s_sync_objects_total',
    help: 'Objects a sync wrote or pruned, by action (created, configured, pruned).',
    labelNames: ['action'],
  }),
};
