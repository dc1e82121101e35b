import { createHash } from 'node:crypto';
import { type ScheduledTask, schedule } from 'node-cron';
import { jsonEventBody, type TriggerTarget, targetKey } from '../../common/functions/trigger-events.js';
import type { Logger } from '../../common/log/log.js';
import type { FireTrigger } from '../../common/workflows/trigger-firing.js';
import type { KV } from '../store/kv.js';

/** Where the last fired tick of each schedule is kept: one key per target and schedule. */
const PREFIX = '/minik8s/trigger-schedules/';

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

/** One schedule trigger of one target, as the ticker runs it. */
interface Entry {
  task: ScheduledTask;
  /** Its firings, one after the other: the catch-up at start first, so a due tick never overtakes a missed one. */
  chain: Promise<void>;
}

/**
 * Runs the `schedule` triggers of Functions and Workflows (node-cron, in the control plane). Each tick is claimed
 * in etcd with a guarded write of its time before it fires, so a tick fires once: a second control plane, or one
 * restarted in the middle of a minute, finds the tick taken and does nothing. Ticks that fell while no control
 * plane ran (or that node-cron skipped) are fired late, oldest first (`missedTicks`: the last five minutes), so a
 * restart neither repeats nor loses a tick.
 */
export class ScheduleTriggers {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly deps: { kv: KV; targets: () => readonly TriggerTarget[]; fire: FireTrigger; log: Logger }) {}

  /** Starts, keeps or stops tasks so there is one per schedule trigger of the targets as cached. */
  sync(): void {
    const wanted = new Map<string, { target: TriggerTarget; schedule: string; data: unknown; claim: string }>();
    for (const target of this.deps.targets())
      target.triggers.forEach((t, i) => {
        if (!('schedule' in t)) return;
        const hash = createHash('sha1')
          .update(`${t.schedule}\0${JSON.stringify(t.data ?? null)}`)
          .digest('hex')
          .slice(0, 10);
        const claim = `${PREFIX}${targetKey(target)}/${i}`;
        wanted.set(`${claim}/${hash}`, { target, schedule: t.schedule, data: t.data, claim });
      });
    for (const [key, e] of this.#entries)
      if (!wanted.has(key)) {
        void e.task.destroy();
        this.#entries.delete(key);
      }
    for (const [key, w] of wanted) {
      if (this.#entries.has(key)) continue;
      const fire = (at: number, scheduled: boolean) => {
        entry.chain = entry.chain.then(() => this.#fire(w.claim, w.target, w.schedule, w.data, task, at, scheduled));
      };
      const task = schedule(w.schedule, (ctx) => fire(ctx.date.getTime(), true), { name: key, noOverlap: false });
      const entry: Entry = { task, chain: Promise.resolve() };
      this.#entries.set(key, entry);
      fire(Date.now(), false); // the ticks that fell while no control plane ran
    }
  }

  /**
   * Fires the ticks up to `at` that nobody fired: the one due now (`scheduled`), and any before it since the one
   * recorded (a restart, or a tick node-cron skipped on a busy event loop). The latest is claimed in etcd with a
   * guarded write before any fires, so each tick fires once, whichever control plane gets there first.
   */
  async #fire(claim: string, target: TriggerTarget, expr: string, data: unknown, task: ScheduledTask, at: number, scheduled: boolean): Promise<void> {
    const { kv, fire, log } = this.deps;
    const tick = Math.floor(at / 1000) * 1000;
    try {
      const current = await kv.get(claim);
      const recorded = current ? (JSON.parse(current.value) as { schedule: string; tick: number }) : undefined;
      const ticks = missedTicks(recorded, expr, tick, (d) => task.match(d));
      if (scheduled && !ticks.includes(tick) && tickIsNew(recorded, expr, tick)) ticks.push(tick);
      const last = ticks.at(-1);
      if (last === undefined) return;
      const claimed = await kv.commit([
        { type: 'put', key: claim, value: JSON.stringify({ schedule: expr, tick: last }), expectModRevision: current?.modRevision ?? 0 },
      ]);
      if (!claimed.succeeded) return; // another control plane took these ticks
      for (const t of ticks) {
        const headers = { 'x-minik8s-schedule': expr, 'x-minik8s-tick': new Date(t).toISOString() };
        await fire(target, { source: 'schedule', id: String(t), headers, body: jsonEventBody(data ?? {}) });
      }
      log.info({ target: targetKey(target), schedule: expr, ticks: ticks.map((t) => new Date(t).toISOString()) }, 'schedule fired');
    } catch (err) {
      log.warn({ trigger: claim, err: (err as Error).message }, 'schedule trigger could not fire');
    }
  }

  /** Stops the tasks and lets a firing under way finish (a claimed tick is not left unfired). */
  async stop(): Promise<void> {
    const chains = [...this.#entries.values()].map((e) => e.chain);
    for (const e of this.#entries.values()) void e.task.destroy();
    this.#entries.clear();
    await Promise.all(chains);
  }
}
