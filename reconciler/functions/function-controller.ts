import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import type { Logger } from '../../common/log/log.js';
import { type FunctionObject, type FunctionStatus, type ReplicaSet, refKey, refOf, scaleTarget } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { isClaimedBy } from '../workloads/owner-references.js';
import { isPodReady } from '../workloads/pod-availability.js';
import { statusChanged } from '../workloads/status-changed.js';
import type { FunctionActivity } from './function-activity.js';
import { type ConcurrencySample, decideScale } from './function-autoscaler.js';
import type { FunctionBacklog } from './function-lag.js';
import { functionReplicaSet } from './function-replica-set.js';
import { functionSourceOid } from './function-source.js';

const SOURCE = { component: 'function-controller' };
/** How often an active function is sampled and decided on (Knative: every 2 s). */
const TICK_MS = 1000;
/** How soon an idle function's topic is tried again after Kafka refused it. */
const TOPIC_RETRY_MS = 5000;

/** Where topics for functions are made (Kafka); absent, functions have no asynchronous path. */
export interface FunctionTopics {
  ensure(fn: FunctionObject): Promise<void>;
}

export interface FunctionControllerDeps {
  store: ObjectStore;
  functions: Informer<'Function'>;
  replicaSets: Informer<'ReplicaSet'>;
  pods: Informer<'Pod'>;
  activity: FunctionActivity;
  /** Asynchronous calls waiting in Kafka (absent without a broker): demand the gateway has not taken yet. */
  backlog?: FunctionBacklog;
  /** The repository the sync follows and the revision it applied last. */
  git: { gitdir: string; appliedRevision(): Promise<string | undefined> };
  topics?: FunctionTopics;
  /** SHA-256 of the function's invoke token, kept in its status for the gateway to check callers against. */
  invokeTokenSha256: (namespace: string, name: string) => string;
  log: Logger;
}

/** What the controller remembers per function between ticks (like Knative's autoscaler, in memory). */
interface ScaleMemory {
  samples: ConcurrencySample[];
  panicUntil: number | undefined;
  lastActivity: number | undefined;
  topicsFor: string | undefined;
}

/**
 * Runs each Function: keeps its status on the revision that last changed its code (a CodeUpdated event when it
 * moves; node agents fetch the code from there), makes its Kafka topic, and scales its instances — a ReplicaSet
 * per version of the pod template — with the KPA decision on the gateway's activity reports.
 */
export class FunctionController extends Controller<'Function'> {
  readonly #deps: FunctionControllerDeps;
  readonly #memory = new Map<string, ScaleMemory>();
  /** Source object ids by revision and path: a commit never changes, so each is asked of git once. */
  readonly #oids = new Map<string, string>();

  constructor(deps: FunctionControllerDeps) {
    super('Function', 'function', { log: deps.log, recordEvent: storeEventRecorder(deps.store) }, { concurrency: 4 });
    this.#deps = deps;
    this.watch(deps.functions);
    const byLabel = (o: { metadata: ReplicaSet['metadata'] }) => {
      const name = o.metadata.labels?.[LABEL_FUNCTION];
      return name ? refKey({ kind: 'Function', namespace: o.metadata.namespace, name }) : undefined;
    };
    this.watch(deps.replicaSets, (e) => byLabel(e.object));
    this.watch(deps.pods, (e) => byLabel(e.object));
    deps.activity.onDemand((key) => this.enqueue(key));
    deps.backlog?.onBacklog((key) => this.enqueue(key));
  }

  /** A new revision was applied: every function looks whether its code changed. */
  resync(): void {
    for (const fn of this.#deps.functions.list()) this.enqueue(refKey(refOf(fn)));
  }

  protected read(ref: KindRef<'Function'>): Promise<FunctionObject | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'Function'>, fn: FunctionObject | undefined, key: string): Promise<ReconcileResult> {
    const { store } = this.#deps;
    const namespace = ref.namespace ?? 'default';
    const owned = this.#deps.replicaSets.list().filter((rs) => rs.metadata.namespace === namespace && isClaimedBy(rs, 'Function', ref.name));
    if (!fn) {
      for (const rs of owned) await store.delete(refOf(rs)).catch(() => undefined);
      this.#memory.delete(key);
      this.#deps.activity.forget(key);
      return {};
    }
    const memory = this.#memory.get(key) ?? { samples: [], panicUntil: undefined, lastActivity: undefined, topicsFor: undefined };
    this.#memory.set(key, memory);
    const status: FunctionStatus = { ...fn.status };
    await this.#trackCode(fn, status);
    status.invokeTokenSha256 = this.#deps.invokeTokenSha256(namespace, ref.name);
    // Instances fetch the code at the status's revision, callers need the token: written before any instance starts.
    if (status.revision !== fn.status?.revision || status.invokeTokenSha256 !== fn.status?.invokeTokenSha256) await this.#writeStatus(fn, status);
    const topicsReady = await this.#ensureTopics(fn, memory);

    const now = Date.now();
    const activity = this.#deps.activity.take(key, now);
    // Calls waiting in Kafka include those the gateway took and has not answered yet, which its report counts too:
    // the larger of the two is the demand, not their sum.
    const demand = Math.max(activity.concurrency, this.#deps.backlog?.lagOf(namespace, ref.name) ?? 0);
    // One sample per tick: reconciles that status writes and pod events bring in between would weigh twice.
    const last = memory.samples.at(-1);
    if (!last || now - last.at >= TICK_MS / 2 || demand > last.concurrency)
      memory.samples = [...memory.samples.filter((s) => s.at > now - 60_000), { at: now, concurrency: demand }];
    if (demand > 0) memory.lastActivity = now;
    if (activity.lastCallAt !== undefined) memory.lastActivity = Math.max(memory.lastActivity ?? 0, activity.lastCallAt);
    const current = owned.reduce((n, rs) => n + rs.spec.replicas, 0);
    const pods = this.#deps.pods
      .list()
      .filter((p) => p.metadata.namespace === namespace && p.metadata.labels?.[LABEL_FUNCTION] === ref.name && !p.metadata.deletionTimestamp);
    const ready = pods.filter(isPodReady).length;
    const { scale } = fn.spec;
    const decision = decideScale({
      now,
      spec: { minScale: scale.minScale, maxScale: scale.maxScale, target: scaleTarget(fn.spec), scaleToZeroAfterSeconds: scale.scaleToZeroAfterSeconds },
      current,
      ready,
      samples: memory.samples,
      lastActivity: memory.lastActivity,
      panicUntil: memory.panicUntil,
    });
    memory.panicUntil = decision.panicUntil;
    await this.#scaleTo(fn, owned, decision.desired);
    if (current === 0 && decision.desired > 0)
      await this.#event(fn, 'Normal', 'ScaledFromZero', `Scaled from 0 to ${decision.desired} instance(s): a call is waiting`);
    if (current > 0 && decision.desired === 0) await this.#event(fn, 'Normal', 'ScaledToZero', `Scaled to 0: no calls for ${scale.scaleToZeroAfterSeconds}s`);
    else if (current !== decision.desired && current > 0)
      this.#deps.log.info({ function: key, from: current, to: decision.desired, reason: decision.reason }, 'rescaled');

    status.replicas = decision.desired;
    status.readyReplicas = ready;
    if (activity.served > 0) status.invocations = (status.invocations ?? 0) + activity.served;
    if (memory.lastActivity !== undefined && activity.served > 0) status.lastInvocationTime = new Date(memory.lastActivity).toISOString();
    await this.#writeStatus(fn, status);
    const active = decision.desired > 0 || memory.samples.some((s) => s.concurrency > 0);
    // An idle function whose topic could not be made is looked at again: nothing else would bring it back.
    return active ? { requeueAfterMs: TICK_MS } : topicsReady ? {} : { requeueAfterMs: TOPIC_RETRY_MS };
  }

  /** Moves the status to the applied revision when the function's code differs there. */
  async #trackCode(fn: FunctionObject, status: FunctionStatus): Promise<void> {
    const { git } = this.#deps;
    const revision = await git.appliedRevision();
    if (!revision) return;
    const cacheKey = `${revision}:${fn.spec.source}`;
    const oid = this.#oids.get(cacheKey) ?? (await functionSourceOid(revision, fn.spec.source, { GIT_DIR: git.gitdir }));
    if (oid) {
      if (this.#oids.size > 1000) this.#oids.clear();
      this.#oids.set(cacheKey, oid);
    }
    if (!oid) {
      if (status.sourceOid) return; // the pre-receive check keeps this from happening; keep running the last good code
      status.conditions = [
        { type: 'Ready', status: 'False', reason: 'SourceMissing', message: `revision ${revision.slice(0, 12)} has no "${fn.spec.source}"` },
      ];
      await this.#event(fn, 'Warning', 'Failed', `no "${fn.spec.source}" at revision ${revision.slice(0, 12)}`);
      return;
    }
    if (oid === status.sourceOid) return;
    const first = status.sourceOid === undefined;
    status.revision = revision;
    status.sourceOid = oid;
    status.conditions = [{ type: 'Ready', status: 'True', reason: 'CodeAvailable', message: `code of revision ${revision.slice(0, 12)}` }];
    if (!first) await this.#event(fn, 'Normal', 'CodeUpdated', `Code updated to revision ${revision.slice(0, 12)} (no instance restarts)`);
  }

  /** False when the topic could not be made now. */
  async #ensureTopics(fn: FunctionObject, memory: ScaleMemory): Promise<boolean> {
    const { topics } = this.#deps;
    const want = `${fn.metadata.uid}/${fn.spec.scale.maxScale}`;
    if (!topics || memory.topicsFor === want) return true;
    try {
      await topics.ensure(fn);
      memory.topicsFor = want;
      return true;
    } catch (err) {
      // HTTP calls do not need the topic: report, and try again shortly.
      this.#deps.log.warn({ function: fn.metadata.name, err: (err as Error).message }, 'could not make the function topic');
      return false;
    }
  }

  /** One ReplicaSet of the current template with `replicas`; ReplicaSets of earlier templates go. */
  async #scaleTo(fn: FunctionObject, owned: readonly ReplicaSet[], replicas: number): Promise<void> {
    const { store } = this.#deps;
    const desired = functionReplicaSet(fn, replicas);
    const existing = owned.find((rs) => rs.metadata.name === desired.metadata.name);
    // A write that lost a race (Conflict) is the queue's to retry, quietly, on a fresh read.
    if (!existing) await store.create(desired);
    else if (existing.spec.replicas !== replicas) await store.update({ ...existing, spec: { ...existing.spec, replicas } });
    for (const old of owned.filter((rs) => rs.metadata.name !== desired.metadata.name)) await store.delete(refOf(old)).catch(() => undefined);
  }

  async #writeStatus(fn: FunctionObject, status: FunctionStatus): Promise<void> {
    if (!statusChanged(fn.status, status)) return;
    try {
      await this.#deps.store.updateStatus({ kind: 'Function', namespace: fn.metadata.namespace, name: fn.metadata.name }, status);
    } catch (err) {
      if (!isStoreError(err, 'NotFound')) throw err;
    }
  }

  #event(fn: FunctionObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    return recordEvent(this.#deps.store, fn, type, reason, message, SOURCE);
  }
}
