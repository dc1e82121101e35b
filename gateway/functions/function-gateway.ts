import type { ApiClient } from '../../common/client/api-client.js';
import { Informer } from '../../common/client/informer.js';
import { invocationRequestSchema } from '../../common/functions/invocation.js';
import type { KafkaClients } from '../../common/functions/kafka-clients.js';
import { triggerTargets } from '../../common/functions/trigger-events.js';
import type { Logger } from '../../common/log/log.js';
import { refKey } from '../../common/schema/index.js';
import { triggerFirer } from '../../common/workflows/trigger-firing.js';
import { KafkaTriggers } from '../kafka-triggers.js';
import { ActivityReporter } from './activity-reporter.js';
import type { FunctionHttpDeps } from './function-http.js';
import { FunctionInvoker } from './function-invoker.js';
import { FunctionQueue } from './function-queue.js';

/** How often the Kafka consumers are checked against the functions (a topic the controller had not made yet). */
const QUEUE_RESYNC_MS = 5000;

/**
 * The gateway's function side: caches of Functions and their instances, the activator, the activity reports
 * to the autoscaler and, with Kafka, the asynchronous calls and the kafka triggers of Functions and Workflows.
 */
export async function startFunctionGateway(deps: { api: ApiClient; log: Logger; workflows: Informer<'Workflow'>; kafka?: KafkaClients }) {
  const { api, log } = deps;
  const functions = new Informer(api, 'Function', { log });
  const pods = new Informer(api, 'Pod', { log });
  const activity = new ActivityReporter(api, log);
  const invoker = new FunctionInvoker((namespace, name) => functions.get(refKey({ kind: 'Function', namespace, name })), activity);
  pods.onChange(() => invoker.pool.sync(pods.list()));
  await Promise.all([functions.start(), pods.start()]);
  invoker.pool.sync(pods.list());
  activity.start();

  const queue = deps.kafka && new FunctionQueue(deps.kafka, invoker, log);
  // A Function's kafka trigger runs its call here, as the queue runs any call; a Workflow's starts an execution.
  const triggers =
    deps.kafka && queue && new KafkaTriggers(deps.kafka, triggerFirer({ call: (c) => queue.run(invocationRequestSchema.parse(c)), executions: api }), log);
  let syncing = Promise.resolve();
  const syncQueue = () => {
    if (queue && triggers)
      syncing = syncing
        .then(() => queue.sync(functions.list()))
        .then(() => triggers.sync(triggerTargets(functions.list(), deps.workflows.list())))
        .catch((err: Error) => log.warn({ err: err.message }, 'gateway: consumer sync failed'));
  };
  let timer: NodeJS.Timeout | undefined;
  if (queue) {
    await queue.start();
    functions.onChange(syncQueue);
    deps.workflows.onChange(syncQueue);
    syncQueue();
    timer = setInterval(syncQueue, QUEUE_RESYNC_MS);
    timer.unref();
  }
  const http: FunctionHttpDeps = { invoker, queue, log };
  return {
    http,
    async stop() {
      clearInterval(timer);
      activity.stop();
      functions.stop();
      pods.stop();
      await syncing;
      await triggers?.stop();
      await queue?.stop();
      invoker.close();
    },
  };
}
