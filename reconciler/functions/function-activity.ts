import express, { Router } from 'express';
import { FUNCTION_ACTIVITY_PATH, type FunctionActivityEntry, functionActivitySchema } from '../../common/functions/function-activity-api.js';
import { HttpError } from '../../common/http/http-error.js';
import { counter, gauge } from '../../common/metrics/registry.js';

const invocations = counter({
  name: 'minik8s_function_invocations_total',
  help: "Calls a function served, as the gateways report them (the console's request-rate graph).",
  labelNames: ['namespace', 'function'],
});
const concurrency = gauge({
  name: 'minik8s_function_concurrency',
  help: 'Calls in flight or waiting, per function, from the latest gateway report.',
  labelNames: ['namespace', 'function'],
});

/** A function's activity as the autoscaler sees it now. */
export interface FunctionActivityNow {
  /** In flight plus waiting, from the latest report that is still fresh (0 without one). */
  concurrency: number;
  lastCallAt: number | undefined;
  /** Calls finished since the last `takeServed`. */
  served: number;
}

const key = (namespace: string, name: string) => `Function/${namespace}/${name}`;

/**
 * The latest gateway reports, in memory: the autoscaler's metric source. A report older than `maxAgeMs` counts
 * as no calls (the gateway went away). A report of calls for a function the gateway found without an instance
 * wakes the controller at once (`onDemand`): that is a cold start waiting.
 */
export class FunctionActivity {
  readonly #latest = new Map<string, { entry: FunctionActivityEntry; reporter: string; at: number }>();
  readonly #served = new Map<string, { reporter: string; counted: number; pending: number }>();
  readonly #listeners: ((key: string) => void)[] = [];
  constructor(readonly maxAgeMs = 3000) {}

  onDemand(listener: (key: string) => void): void {
    this.#listeners.push(listener);
  }

  report(reporter: string, entries: readonly FunctionActivityEntry[], now = Date.now()): void {
    for (const entry of entries) {
      const k = key(entry.namespace, entry.name);
      const before = this.#latest.get(k);
      this.#latest.set(k, { entry, reporter, at: now });
      const served = this.#served.get(k);
      // A reporter's counter only grows; a new reporter (a restarted gateway) starts from 0.
      const delta = served?.reporter === reporter ? Math.max(0, entry.served - served.counted) : entry.served;
      this.#served.set(k, { reporter, counted: entry.served, pending: (served?.pending ?? 0) + delta });
      const labels = { namespace: entry.namespace, function: entry.name };
      invocations.inc(labels, delta);
      concurrency.set(labels, entry.inFlight + entry.queued);
      const demand = entry.inFlight + entry.queued;
      const hadDemand = before ? before.entry.inFlight + before.entry.queued > 0 : false;
      if (demand > 0 && (!hadDemand || entry.queued > 0)) for (const l of this.#listeners) l(k);
    }
  }

  /** What the controller samples for the function with work-queue key `k`; the served count is handed over once. */
  take(k: string, now = Date.now()): FunctionActivityNow {
    const latest = this.#latest.get(k);
    const fresh = latest && now - latest.at <= this.maxAgeMs;
    const served = this.#served.get(k);
    const pending = served?.pending ?? 0;
    if (served) served.pending = 0;
    return {
      concurrency: fresh ? latest.entry.inFlight + latest.entry.queued : 0,
      lastCallAt: latest?.entry.lastCallAt ? Date.parse(latest.entry.lastCallAt) : undefined,
      served: pending,
    };
  }

  forget(k: string): void {
    this.#latest.delete(k);
    this.#served.delete(k);
  }
}

/** `POST /minik8s/v1/function-activity`: the gateway's reports. Mount behind the API's authentication. */
export function functionActivityRouter(activity: FunctionActivity): Router {
  const router = Router();
  router.post(FUNCTION_ACTIVITY_PATH, express.json({ limit: '1mb' }), (req, res) => {
    const r = functionActivitySchema.safeParse(req.body);
    if (!r.success) throw new HttpError(400, 'BadRequest', r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    activity.report(r.data.reporter, r.data.functions);
    res.status(204).end();
  });
  return router;
}
