import { createHash } from 'node:crypto';
import { type ScheduledTask, schedule } from 'node-cron';
import type { Informer } from '../../common/client/informer.js';
import { encodeJsonBody, type InvocationRequestInput } from '../../common/functions/invocation.js';
import type { Logger } from '../../common/log/log.js';
import { type FunctionObject, refKey, refOf } from '../../common/schema/index.js';
import type { KV } from '../store/kv.js';

/** Where the last fired tick of each schedule is kept: one key per function and schedule. */
const PREFIX = '/minik8s/function-schedules/';

/** Whether a tick should fire, given the one recorded last: only a later tick of the same schedule does. */
export function tickIsNew(recorded: { schedule: string; tick: number } | undefined, schedule: string, tick: number): boolean {
  return !recorded || recorded.schedule !== schedule || recorded.tick < tick;
}

/** How far back a starting control plane looks for ticks nobody fired (Kubernetes CronJob: startingDeadlineSeconds). */
export const CATCH_UP_WINDOW_MS = 5 * 60_000;
/** At most this many missed ticks are fired late: the latest ones. */
export const CATCH_UP_MAX = 100;

/**
 * Ticks of a schedule that no control plane fired: those after the one recorded last, up to `now`, within the
 * catch-up window (second by second, as node-cron matches), oldest first. None for a schedule that never fired
 * here (a new trigger starts with its next tick) or whose expression changed.
 */
export function missedTicks(
  recorded: { schedule: string; tick: number } | undefined,
  schedule: string,
  now: number,
  matches: (date: Date) => boolean,
  windowMs = CATCH_UP_WINDOW_MS,
): number[] {
  if (!recorded || recorded.schedule !== schedule) return [];
  const out: number[] = [];
  const last = Math.floor(now / 1000) * 1000;
  for (let t = last; t > recorded.tick && t >= last - windowMs && out.length < CATCH_UP_MAX; t -= 1000) if (matches(new Date(t))) out.push(t);
  return out.reverse();
}

/** One schedule trigger of one function, as the ticker runs it. */
interface Entry {
  key: string;
  schedule: string;
  data: unknown;
  task: ScheduledTask;
  /** Its ticks, one after the other: the catch-up at start first, so a late tick never overtakes a missed one. */
  chain: Promise<void>;
}

/**
 * Runs the `schedule` triggers (node-cron, in the control plane). Each tick is claimed in etcd with a guarded
 * write of its time before the call is sent, so a tick fires once: a second control plane, or one restarted in
 * the middle of a minute, finds the tick taken and does nothing. Ticks that fell while no control plane ran are
 * fired when one starts (`missedTicks`: the last five minutes, oldest first), so a restart neither repeats nor
 * loses a tick.
 */
export class ScheduleTriggers {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly deps: { kv: KV; functions: Informer<'Function'>; send: (call: InvocationRequestInput) => Promise<void>; log: Logger }) {
    deps.functions.onChange(() => this.sync());
  }

  /** Starts, keeps or stops tasks so there is one per schedule trigger of the functions as cached. */
  sync(): void {
    const wanted = new Map<string, { fn: FunctionObject; schedule: string; data: unknown }>();
    for (const fn of this.deps.functions.list())
      fn.spec.triggers.forEach((t, i) => {
        if ('schedule' in t)
          wanted.set(
            `${refKey(refOf(fn))}/${i}/${createHash('sha1')
              .update(`${t.schedule}\0${JSON.stringify(t.data ?? null)}`)
              .digest('hex')
              .slice(0, 10)}`,
            { fn, schedule: t.schedule, data: t.data },
          );
      });
    for (const [key, e] of this.#entries)
      if (!wanted.has(key)) {
        void e.task.destroy();
        this.#entries.delete(key);
      }
    for (const [key, w] of wanted) {
      if (this.#entries.has(key)) continue;
      const fn = w.fn;
      const task = schedule(
        w.schedule,
        (ctx) => {
          entry.chain = entry.chain.then(() => this.#tick(key, fn, w.schedule, w.data, ctx.date));
        },
        { name: key, noOverlap: false },
      );
      const entry: Entry = { key, schedule: w.schedule, data: w.data, task, chain: Promise.resolve() };
      entry.chain = this.#catchUp(key, fn, w.schedule, w.data, task);
      this.#entries.set(key, entry);
    }
  }

  /** Fires the ticks that fell while no control plane ran. */
  async #catchUp(key: string, fn: FunctionObject, expr: string, data: unknown, task: ScheduledTask): Promise<void> {
    try {
      const current = await this.deps.kv.get(this.#kvKey(key));
      const recorded = current ? (JSON.parse(current.value) as { schedule: string; tick: number }) : undefined;
      for (const tick of missedTicks(recorded, expr, Date.now(), (d) => task.match(d))) await this.#tick(key, fn, expr, data, new Date(tick));
    } catch (err) {
      this.deps.log.warn({ trigger: key, err: (err as Error).message }, 'schedule trigger could not catch up');
    }
  }

  #kvKey(key: string): string {
    return `${PREFIX}${key.split('/').slice(1, 4).join('/')}`;
  }

  async #tick(key: string, fn: FunctionObject, expr: string, data: unknown, date: Date): Promise<void> {
    const { kv, send, log } = this.deps;
    const tick = Math.floor(date.getTime() / 1000) * 1000;
    const kvKey = this.#kvKey(key);
    try {
      const current = await kv.get(kvKey);
      const recorded = current ? (JSON.parse(current.value) as { schedule: string; tick: number }) : undefined;
      if (!tickIsNew(recorded, expr, tick)) return;
      const claimed = await kv.commit([
        { type: 'put', key: kvKey, value: JSON.stringify({ schedule: expr, tick }), expectModRevision: current?.modRevision ?? 0 },
      ]);
      if (!claimed.succeeded) return; // another control plane took this tick
      const namespace = fn.metadata.namespace ?? 'default';
      await send({
        callId: `schedule-${namespace}-${fn.metadata.name}-${tick}`,
        namespace,
        function: fn.metadata.name,
        source: 'schedule',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-minik8s-schedule': expr, 'x-minik8s-tick': new Date(tick).toISOString() },
        body: encodeJsonBody(data ?? {}),
        enqueuedAt: new Date().toISOString(),
      });
      log.info({ function: `${namespace}/${fn.metadata.name}`, schedule: expr, tick: new Date(tick).toISOString() }, 'schedule fired');
    } catch (err) {
      log.warn({ trigger: key, err: (err as Error).message }, 'schedule trigger could not fire');
    }
  }

  stop(): void {
    for (const e of this.#entries.values()) void e.task.destroy();
    this.#entries.clear();
  }
}
