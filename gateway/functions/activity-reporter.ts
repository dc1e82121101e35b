import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../../common/client/api-client.js';
import { FUNCTION_ACTIVITY_PATH, type FunctionActivityEntry } from '../../common/functions/function-activity-api.js';
import type { Logger } from '../../common/log/log.js';

interface Counts {
  inFlight: number;
  queued: number;
  served: number;
  lastCallAt: string | undefined;
}

/**
 * Counts each function's calls at the gateway and reports them to the autoscaler (POST function-activity):
 * every `intervalMs` while anything is in flight or changed, and at once when a call has to wait (a cold start
 * or a full house), so the first instance is asked for without waiting for the next tick.
 */
export class ActivityReporter {
  readonly #counts = new Map<string, Counts>();
  readonly #reporter = randomUUID();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #again = false;

  constructor(
    readonly api: Pick<ApiClient, 'request'>,
    readonly log: Logger,
    readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#dirty || [...this.#counts.values()].some((c) => c.inFlight + c.queued > 0)) void this.flush();
    }, this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #of(key: string): Counts {
    let c = this.#counts.get(key);
    if (!c) this.#counts.set(key, (c = { inFlight: 0, queued: 0, served: 0, lastCallAt: undefined }));
    return c;
  }

  /** A call begins waiting for an instance; `urgent` reports at once. */
  queue(key: string, urgent: boolean): void {
    this.#of(key).queued++;
    this.#dirty = true;
    if (urgent) void this.flush();
  }

  /** A waiting call got an instance. */
  dequeue(key: string): void {
    this.#of(key).queued--;
  }

  begin(key: string): void {
    const c = this.#of(key);
    c.inFlight++;
    c.lastCallAt = new Date().toISOString();
    this.#dirty = true;
  }

  end(key: string): void {
    const c = this.#of(key);
    c.inFlight--;
    c.served++;
    c.lastCallAt = new Date().toISOString();
    this.#dirty = true;
  }

  /** Sends the counts now; one report at a time, a flush asked for meanwhile follows it. */
  flush(): Promise<void> {
    if (this.#sending !== undefined) {
      this.#again = true;
      return this.#sending;
    }
    this.#dirty = false;
    const functions: FunctionActivityEntry[] = [...this.#counts].map(([key, c]) => {
      const [namespace, name] = key.split('/') as [string, string];
      return { namespace, name, inFlight: c.inFlight, queued: c.queued, served: c.served, ...(c.lastCallAt && { lastCallAt: c.lastCallAt }) };
    });
    this.#sending = this.api
      .request('POST', FUNCTION_ACTIVITY_PATH, { reporter: this.#reporter, functions })
      .then(
        () => undefined,
        (err: Error) => {
          this.#dirty = true;
          this.log.warn({ err: err.message }, 'gateway: could not report function activity');
        },
      )
      .finally(() => {
        this.#sending = undefined;
        if (this.#again) {
          this.#again = false;
          void this.flush();
        }
      });
    return this.#sending;
  }
}
