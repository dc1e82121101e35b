import type { Informer } from '../../common/client/informer.js';
import { recordEvent } from '../api/events.js';
import { WorkQueue } from '../../common/controller/work-queue.js';
import { assume, schedule, usageByNode } from '../scheduler/schedule.js';
import { type Pod, parseRefKey, refKey, refOf } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import type { Logger } from '../../common/log/log.js';
import { counter, histogram, secondsSince } from '../../common/metrics/registry.js';

const SOURCE = { component: 'scheduler' };

const attempts = counter({ name: 'scheduler_schedule_attempts_total', help: 'Scheduling decisions by result (scheduled, unschedulable).', labelNames: ['result'] });
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
export class SchedulerController {
  readonly #deps: SchedulerControllerDeps;
  readonly #queue: WorkQueue;
  readonly #assumed = new Map<string, string>();
  #tieBreak = 0;

  constructor(deps: SchedulerControllerDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue('scheduler', (key) => this.reconcile(key), deps.log);
    deps.pods.onChange((e) => {
      if (e.type === 'DELETED' || e.object.spec.nodeName) {
        this.#assumed.delete(e.key);
        this.#requeuePending();
      } else this.#queue.add(e.key);
    });
    deps.nodes.onChange(() => this.#requeuePending());
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  #requeuePending(): void {
    for (const p of this.#deps.pods.list()) if (!p.spec.nodeName && !this.#assumed.has(refKey(refOf(p)))) this.#queue.add(refKey(refOf(p)));
  }

  async reconcile(key: string): Promise<void> {
    const { store, pods, nodes } = this.#deps;
    if (this.#assumed.has(key)) return;
    const pod = await store.get({ ...parseRefKey(key), kind: 'Pod' });
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
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
      return;
    }
    try {
      await store.update<Pod>({ ...pod, spec: { ...pod.spec, nodeName: decision.node } });
    } catch (err) {
      // The pod changed or went away since it was read: the informer brings it back if it still needs a node.
      if (isStoreError(err, 'Conflict') || isStoreError(err, 'NotFound')) return;
      throw err;
    }
    this.#assumed.set(key, decision.node);
    attempts.inc({ result: 'scheduled' });
    attemptLatency.observe({ result: 'scheduled' }, secondsSince(start));
    assume(usage, pod, decision.node);
    await recordEvent(store, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${decision.node}`, SOURCE);
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
