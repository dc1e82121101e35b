import { counter, gauge, histogram } from '../metrics/registry.js';

/**
 * A work queue's series, in client-go's and controller-runtime's names, labelled by the queue's name
 * (one queue per controller, so `controller` is the queue's name).
 */
export const workQueueMetrics = {
  depth: gauge({ name: 'workqueue_depth', help: 'Keys waiting in the queue.', labelNames: ['name'] }),
  adds: counter({ name: 'workqueue_adds_total', help: 'Keys added to the queue.', labelNames: ['name'] }),
  retries: counter({ name: 'workqueue_retries_total', help: 'Keys put back after a failed reconcile.', labelNames: ['name'] }),
  reconciles: counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Reconciles by result (success, error, terminal_error).',
    labelNames: ['controller', 'result'],
  }),
  errors: counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Reconciles that failed.', labelNames: ['controller'] }),
  duration: histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'How long one reconcile took.', labelNames: ['controller'] }),
};
