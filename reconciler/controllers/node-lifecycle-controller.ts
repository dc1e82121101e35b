import type { Informer } from '../../common/client/informer.js';
import { recordEvent } from '../api/events.js';
import { WorkQueue, type ReconcileResult } from '../../common/controller/work-queue.js';
import { type Node, parseRefKey } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../../common/log/log.js';
import { allocatePodCIDR, type NodeHealthOptions, notReadyForMs, podsToEvict, staleReadyCondition } from './node-health.js';

const SOURCE = { component: 'node-controller' };

export interface NodeLifecycleDeps {
  store: ObjectStore;
  nodes: Informer<'Node'>;
  pods: Informer<'Pod'>;
  log: Logger;
  health: NodeHealthOptions;
}

/**
 * Per node: allocates its pod subnet at join, marks it NotReady when its heartbeats stop, and fails
 * its pods once it has been NotReady past the eviction grace period, so their owners replace them.
 * Time is part of the state here, so each reconcile asks to look again when the next deadline falls.
 */
export class NodeLifecycleController {
  readonly #deps: NodeLifecycleDeps;
  readonly #queue: WorkQueue;
  /** Grace periods run from here at the earliest: a restarted control plane gives every node a fresh chance. */
  readonly #watchingSince = Date.now();

  constructor(deps: NodeLifecycleDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue('node-lifecycle', (key) => this.reconcile(key), deps.log);
    deps.nodes.onChange((e) => this.#queue.add(e.key));
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { store, health } = this.#deps;
    const ref = { ...parseRefKey(key), kind: 'Node' as const };
    let node = await store.get(ref);
    if (!node) return {};
    if (!node.spec.podCIDR) {
      // Fresh list, not the cache: two nodes joining at once must not get the same subnet.
      const { items } = await store.list('Node');
      node = await store.update<Node>({ ...node, spec: { ...node.spec, podCIDR: allocatePodCIDR(items) } });
      this.#deps.log.info({ node: node.metadata.name, podCIDR: node.spec.podCIDR }, 'allocated pod subnet');
    }
    const now = Date.now();
    const stale = staleReadyCondition(node, now, health, this.#watchingSince);
    if (stale) {
      const conditions = (node.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? stale : c));
      node = await store.updateStatus(ref, { ...node.status, conditions });
      await recordEvent(store, node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`, SOURCE);
    }
    const downFor = notReadyForMs(node, now, this.#watchingSince);
    if (downFor === undefined) return { requeueAfterMs: health.heartbeatGraceMs };
    for (const pod of podsToEvict(this.#deps.pods.list(), [node], now, health, this.#watchingSince)) {
      const message = `Node ${node.metadata.name} which was running pod ${pod.metadata.name} is unresponsive`;
      await store.updateStatus({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }, { ...pod.status, phase: 'Failed', reason: 'NodeLost', message });
      await recordEvent(store, pod, 'Warning', 'NodeLost', message, SOURCE);
    }
    return { requeueAfterMs: downFor < health.podEvictionGraceMs ? health.podEvictionGraceMs - downFor : health.heartbeatGraceMs };
  }
}
