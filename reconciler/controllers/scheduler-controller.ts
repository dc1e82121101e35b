import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { counter, histogram, secondsSince } from '../../common/metrics/registry.js';
import { type Pod, refKey, refOf } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import { assume, schedule, usageByNode } from '../scheduler/schedule.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';

const SOURCE = { component: 'scheduler' };

const attempts = counter({
  name: 'scheduler_schedule_attempts_total',
  help: 'Scheduling decisions by result (scheduled, unschedulable).',
  labelNames: ['result'],
});
const attemptLatency = histogram({
  name: 'scheduler_scheduling_attempt_duration_seconds',
  help: 'From reading the pod to its binding (or its Unschedulable condition) written.',
  labelNames: ['result'],
});

export interface SchedulerControllerDeps {
  store: ObjectStore;
  pods: Informer<'Pod'>;
  nodes: Informer<'Node'>;
  log: Logger;
}

/**
 * Binds pods without `spec.nodeName` to a node. Pending pods are retried whenever a node or a pod
 * changes, since either can make room. Bindings this scheduler wrote but the informer has not shown
 * yet are "assumed", so a burst of pods is spread by its own earlier decisions.
 */
export class SchedulerController extends Controller<'Pod'> {
  readonly #deps: SchedulerControllerDeps;
  readonly #assumed = new Map<string, string>();
  #tieBreak = 0;

  constructor(deps: SchedulerControllerDeps) {
    super('Pod', 'scheduler', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.watch(deps.pods, (e) => {
      if (e.type !== 'DELETED' && !e.object.spec.nodeName) return e.key;
      this.#assumed.delete(e.key);
      return this.#pending();
    });
    this.watch(deps.nodes, () => this.#pending());
  }

  /** Pending pods not bound by an earlier decision: a bound or deleted pod, or a new node, may make room for them. */
  #pending(): string[] {
    return this.#deps.pods
      .list()
      .filter((p) => !p.spec.nodeName && !this.#assumed.has(refKey(refOf(p))))
      .map((p) => refKey(refOf(p)));
  }

  /** A pod this scheduler bound is done with, whether or not the informer has shown the binding yet. */
  override async reconcile(key: string): Promise<ReconcileResult> {
    return this.#assumed.has(key) ? {} : super.reconcile(key);
  }

  protected read(ref: KindRef<'Pod'>): Promise<Pod | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(_ref: KindRef<'Pod'>, pod: Pod | undefined, key: string): Promise<ReconcileResult> {
    const { store, pods, nodes } = this.#deps;
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return {};
    const known = pods.list().map((p) => {
      const assumedNode = this.#assumed.get(refKey(refOf(p)));
      return assumedNode ? { ...p, spec: { ...p.spec, nodeName: assumedNode } } : p;
    });
    const start = process.hrtime.bigint();
    const usage = usageByNode(known);
    const decision = schedule(pod, nodes.list(), usage, this.#tieBreak++);
    if (decision.node === undefined) {
      await this.#markUnschedulable(pod, decision.message);
      attempts.inc({ result: 'unschedulable' });
      attemptLatency.observe({ result: 'unschedulable' }, secondsSince(start));
      return {};
    }
    try {
      await store.update<Pod>({ ...pod, spec: { ...pod.spec, nodeName: decision.node } });
    } catch (err) {
      // Deleted since it was read: nothing to place. (A pod that changed is a conflict, retried by the queue.)
      if (isStoreError(err, 'NotFound')) return {};
      throw err;
    }
    this.#assumed.set(key, decision.node);
    attempts.inc({ result: 'scheduled' });
    attemptLatency.observe({ result: 'scheduled' }, secondsSince(start));
    assume(usage, pod, decision.node);
    await recordEvent(store, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${decision.node}`, SOURCE);
    return {};
  }

  async #markUnschedulable(pod: Pod, message: string): Promise<void> {
    const { store } = this.#deps;
    await recordEvent(store, pod, 'Warning', 'FailedScheduling', message, SOURCE);
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.message === message) return;
    const conditions = [
      ...(pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
      { type: 'PodScheduled', status: 'False' as const, reason: 'Unschedulable', message, lastTransitionTime: new Date().toISOString() },
    ];
    await store.updateStatus({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }, { ...pod.status, phase: 'Pending', conditions });
  }
}
