import { hasReason } from '../errors/reason-error.js';
import type { Logger } from '../log/log.js';
import { secondsSince } from '../metrics/registry.js';
import { workQueueMetrics as metrics } from './work-queue-metrics.js';

/** What a reconcile asks of the queue: nothing, or to look again later (polling what has no watch). */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a reconcile with nothing to ask of the queue returns nothing
export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

/**
 * An error retrying cannot fix (bad input, a range used up): reported once, where the queue's owner
 * shows it (a controller's: a Warning event on the object), and not retried; the key runs again when it
 * is next added.
 */
export class TerminalError extends Error {
  override name = 'TerminalError';

  constructor(
    /** Why, as an event reason: `CIDRNotAvailable`, `TooLarge`. */
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface WorkQueueOptions {
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Shows a key's TerminalError where someone will see it; without it the error is only logged. */
  onTerminalError?: (key: string, err: TerminalError) => Promise<void>;
}

/**
 * A queue of keys in the manner of client-go's workqueue: a key is queued at most once, never
 * reconciled twice at the same time, and a key added while it is being reconciled runs again after.
 * The error policy of every controller lives here: a failure retries with per-key exponential back-off
 * (success resets it); a write conflict (the object moved since it was read) retries the same way but
 * quietly, since the next run reads it afresh; a TerminalError is logged, reported (`onTerminalError`)
 * and not retried.
 */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  /** Keys waiting to be added, with when they are due. */
  readonly #timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  readonly #opts: Required<Omit<WorkQueueOptions, 'onTerminalError'>> & Pick<WorkQueueOptions, 'onTerminalError'>;
  #running = 0;
  #stopped = false;
  #idle: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly reconcile: Reconcile,
    readonly log: Logger,
    opts: WorkQueueOptions = {},
  ) {
    this.#opts = { concurrency: 1, baseDelayMs: 100, maxDelayMs: 30_000, ...opts };
  }

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    metrics.adds.inc({ name: this.name });
    this.#pump();
  }

  /**
   * Adds the key after a delay. Of several pending delays for a key the earliest deadline wins, as in
   * client-go's delaying queue: a requeue asked for sooner is never pushed back by a later one.
   */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    const due = Date.now() + ms;
    const pending = this.#timers.get(key);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, { due, timer });
  }

  /** Resolves when nothing is queued or running (tests and orderly shutdown wait on this). */
  whenIdle(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    await this.whenIdle();
  }

  #pump(): void {
    while (this.#running < this.#opts.concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#active.add(key);
      this.#running++;
      void this.#run(key);
    }
    metrics.depth.set({ name: this.name }, this.#queue.length);
    if (this.#queue.length === 0 && this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Reporting is best effort: a report that fails is logged, and the key stays without retry. */
  async #report(key: string, err: TerminalError): Promise<void> {
    try {
      await this.#opts.onTerminalError?.(key, err);
    } catch (failure) {
      this.log.warn({ queue: this.name, key, err: (failure as Error).message }, 'could not report a terminal error');
    }
  }

  async #run(key: string): Promise<void> {
    const start = process.hrtime.bigint();
    const controller = this.name;
    try {
      const result = await this.reconcile(key);
      metrics.reconciles.inc({ controller, result: 'success' });
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      metrics.errors.inc({ controller });
      if (err instanceof TerminalError) {
        metrics.reconciles.inc({ controller, result: 'terminal_error' });
        this.#failures.delete(key);
        this.log.warn({ queue: this.name, key, reason: err.reason, err: err.message }, 'reconcile failed; not retrying');
        await this.#report(key, err);
      } else {
        metrics.reconciles.inc({ controller, result: 'error' });
        metrics.retries.inc({ name: controller });
        const n = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, n);
        const delay = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** (n - 1));
        const fields = { queue: this.name, key, attempt: n, retryInMs: delay, err: (err as Error).message };
        if (hasReason(err, 'Conflict')) this.log.debug(fields, 'object changed since it was read; retrying');
        else this.log.warn(fields, 'reconcile failed; retrying');
        this.addAfter(key, delay);
      }
    } finally {
      metrics.duration.observe({ controller }, secondsSince(start));
      this.#active.delete(key);
      this.#running--;
      if (this.#dirty.delete(key)) this.add(key);
      this.#pump();
    }
  }
}
