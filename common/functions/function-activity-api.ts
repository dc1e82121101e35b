import { z } from 'zod';
import { MINIK8S_API } from '../client/api-paths.js';

/**
 * What the gateway tells the function autoscaler, about once a second while calls come and at once when a call
 * finds no instance: per function, calls in flight, calls waiting for an instance, and how many it has served.
 * (Knative's activator and queue-proxies report to its autoscaler the same way, not through etcd.)
 */
export const FUNCTION_ACTIVITY_PATH = `${MINIK8S_API}/function-activity`;

export const functionActivitySchema = z.object({
  /** Which gateway process reports: its counters start again from 0 when it restarts. */
  reporter: z.string().min(1),
  functions: z.array(
    z.object({
      namespace: z.string().min(1),
      name: z.string().min(1),
      inFlight: z.number().int().min(0),
      queued: z.number().int().min(0),
      /** Calls finished since the reporter started. */
      served: z.number().int().min(0),
      lastCallAt: z.string().optional(),
    }),
  ),
});
export type FunctionActivityReport = z.infer<typeof functionActivitySchema>;
export type FunctionActivityEntry = FunctionActivityReport['functions'][number];
