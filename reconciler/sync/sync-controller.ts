import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { TerminalError, WorkQueue } from '../../common/controller/work-queue.js';
import { createLogger } from '../../common/log/log.js';
import { type ApiObject, gitKinds } from '../../common/schema/index.js';
import { readCommitManifests } from '../git/commit-reader.js';
import type { GitSource } from '../git/git-source.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { applyPlan } from './apply-plan.js';
import { loadManifests, type ManifestCache } from './manifest-loader.js';
import { planSync } from './plan.js';
import { syncMetrics } from './sync-metrics.js';
import type { SyncStatusStore } from './sync-status-store.js';
import type { SyncReason, SyncResult, SyncStatus } from './sync-types.js';

const KEY = 'git';
const log = createLogger('sync');

export interface SyncControllerOptions {
  store: ObjectStore;
  status: SyncStatusStore;
  source: GitSource;
  /** Shared with push validation, so a validated push is not parsed again. */
  cache?: ManifestCache;
  /** Called when a new revision has been applied (with the one applied before), e.g. for Functions' code and Git triggers. */
  onApplied?: (revision: string, previous: string | undefined) => void;
}

/**
 * Syncs the source's latest commit into the store: fetch, load, validate, plan, apply, prune, report.
 * Everything that announces a commit (a push, a refs change, a webhook, the poll timer) only enqueues
 * the one key, and each run reads the branch afresh, so missed or repeated triggers are harmless.
 */
export class SyncController {
  readonly #opts: SyncControllerOptions;
  readonly #queue: WorkQueue;
  readonly #results = new EventEmitter();
  #refsWatch: FSWatcher | undefined;

  constructor(opts: SyncControllerOptions) {
    this.#opts = opts;
    this.#queue = new WorkQueue('git-sync', () => this.reconcile(), log, { baseDelayMs: 1000 });
    this.#results.setMaxListeners(0);
  }

  get source(): GitSource {
    return this.#opts.source;
  }

  /** Syncs now and whenever the branch moves; a push made while stopped is picked up by this first run. */
  start(): void {
    const { source } = this.#opts;
    if (source.info.type === 'hosted') {
      // Backstop for pushes that bypass the HTTP router (a push on the control plane's own disk).
      this.#refsWatch = watch([join(source.gitdir, 'refs', 'heads'), join(source.gitdir, 'packed-refs')], { ignoreInitial: true });
      this.#refsWatch.on('all', () => this.trigger());
    }
    this.trigger();
  }

  trigger(): void {
    this.#queue.add(KEY);
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  async stop(): Promise<void> {
    await this.#refsWatch?.close();
    await this.#queue.stop();
  }

  /** The result of syncing `revision`, waiting up to `timeoutMs` for it to be written. */
  async waitForResult(revision: string, timeoutMs: number): Promise<SyncResult | undefined> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const next = once(this.#results, revision, { signal: ac.signal }).then(
      ([r]) => r as SyncResult,
      () => undefined,
    );
    try {
      return (await this.#opts.status.getResult(revision)) ?? (await next);
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
  }

  async reconcile(): Promise<{ requeueAfterMs: number }> {
    const { store, source } = this.#opts;
    const requeue = { requeueAfterMs: source.pollIntervalMs };
    const started = Date.now();
    const previous = await this.#opts.status.getStatus();
    // Read before `status` (the same object) records this sync: what was applied before it, for onApplied.
    const appliedBefore = previous?.lastAppliedRevision;
    const status: SyncStatus = previous ?? { source: source.info, inventory: [] };
    status.source = source.info;
    let revision: string | undefined;
    // Milliseconds per step, logged with the result: where a slow sync spends its time.
    const phases: Record<string, number> = {};
    let mark = started;
    const phase = (name: string) => {
      const now = Date.now();
      phases[name] = now - mark;
      mark = now;
    };
    let result: Omit<SyncResult, 'time' | 'durationMs' | 'revision'> | undefined;
    // Which step a thrown error belongs to: reading Git, or writing the store.
    let failure: SyncReason = 'FetchFailed';
    try {
      revision = await source.latestRevision();
      if (!revision) return requeue;
      const { files } = await readCommitManifests(source.gitdir, revision);
      phase('fetch');
      failure = 'ApplyFailed';
      const loaded = loadManifests(files, { cache: this.#opts.cache });
      phase('load');
      const current = await listGitKinds(store);
      phase('list');
      const plan = planSync({ revision, desired: loaded.objects, current, previousInventory: status.inventory, failedFiles: loaded.failedFiles });
      phase('plan');
      const { counts } = plan;
      const upToDate = counts.created + counts.configured + counts.pruned + plan.provisioned.length === 0;
      // A restart or a repeated trigger of a revision already recorded writes nothing at all.
      if (upToDate && previous?.lastAttemptedRevision === revision && ['Succeeded', 'ValidationFailed'].includes(previous.lastResult?.reason ?? ''))
        return requeue;
      await applyPlan(store, plan);
      phase('apply');
      status.inventory = plan.inventory;
      if (loaded.errors.length === 0) status.lastAppliedRevision = revision;
      const valid = loaded.errors.length === 0;
      result = {
        reason: valid ? 'Succeeded' : 'ValidationFailed',
        message: valid
          ? `applied revision ${revision}`
          : `${loaded.errors.length} error(s) in ${loaded.failedFiles.join(', ')}; the objects of these files keep their last good version`,
        counts,
        errors: loaded.errors,
      };
      return requeue;
    } catch (err) {
      // Recorded, then thrown: the queue retries with back-off from about a second.
      result = { reason: failure, message: (err as Error).message, counts: { created: 0, configured: 0, unchanged: 0, pruned: 0 }, errors: [] };
      // Too large for etcd stays too large: reported, not retried (the next push or poll tries again).
      if (isStoreError(err, 'TooLarge')) throw new TerminalError('TooLarge', err.message, { cause: err });
      throw err;
    } finally {
      if (result) {
        const full: SyncResult = { ...result, revision: revision ?? '', time: new Date().toISOString(), durationMs: Date.now() - started };
        if (revision) status.lastAttemptedRevision = revision;
        status.lastResult = full;
        await this.#opts.status.write(status);
        log.info({ revision, reason: full.reason, counts: full.counts, durationMs: full.durationMs, phases }, 'sync finished');
        syncMetrics.syncs.inc({ result: full.reason });
        syncMetrics.duration.observe({ result: full.reason }, full.durationMs / 1000);
        for (const action of ['created', 'configured', 'pruned'] as const) syncMetrics.objects.inc({ action }, full.counts[action]);
        if (revision) this.#results.emit(revision, full);
        if (revision && status.lastAppliedRevision === revision && appliedBefore !== revision) this.#opts.onApplied?.(revision, appliedBefore);
      }
    }
  }
}

async function listGitKinds(store: ObjectStore): Promise<ApiObject[]> {
  const lists = await Promise.all(gitKinds.map((kind) => store.list(kind)));
  return lists.flatMap((l) => l.items as ApiObject[]);
}
