import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import { type ReconcileResult, TerminalError } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import type { Node } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import type { ObjectStore } from '../store/object-store.js';
import { allocatePodCIDR, type NodeHealthOptions, notReadyForMs, podsToEvict, staleReadyCondition } from './node-health.js';

const SOURCE = { component: 'node-controller' };

export interface NodeLifecycleDeps {
  store: ObjectStore;
  nodes: Informer<'Node'>;
  pods: Informer<'Pod'>;
  log: Logger;
  health: NodeHealthOptions;
  /** Milliseconds since the epoch; tests move it to cross the grace periods. */
  clock?: () => number;
}

/**
 * Per node: allocates its pod subnet at join, marks it NotReady when its heartbeats stop, and fails
 * its pods once it has been NotReady past the eviction grace period, so their owners replace them.
 * Time is part of the state here, so each reconcile asks to look again when the next deadline falls.
 */
export class NodeLifecycleController extends Controller<'Node'> {
  readonly #deps: NodeLifecycleDeps;
  readonly #clock: () => number;
  /** Grace periods run from here at the earliest: a restarted control plane gives every node a fresh chance. */
  readonly #watchingSince: number;

  constructor(deps: NodeLifecycleDeps) {
    super('Node', 'node-lifecycle', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#watchingSince = this.#clock();
    this.watch(deps.nodes);
  }

  protected read(ref: KindRef<'Node'>): Promise<Node | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'Node'>, read: Node | undefined): Promise<ReconcileResult> {
    const { store, health } = this.#deps;
    let node = read;
    if (!node) return {};
    if (!node.spec.podCIDR) {
      // Fresh list, not the cache: two nodes joining at once must not get the same subnet.
      const { items } = await store.list('Node');
      const podCIDR = allocatePodCIDR(items);
      // Retrying cannot make room: the node is told why it has no subnet, and it is looked at again when it changes.
      if (!podCIDR) throw new TerminalError('CIDRNotAvailable', `every pod subnet of the cluster CIDR is held by another node: none for ${node.metadata.name}`);
      node = await store.update<Node>({ ...node, spec: { ...node.spec, podCIDR } });
      this.#deps.log.info({ node: node.metadata.name, podCIDR: node.spec.podCIDR }, 'allocated pod subnet');
    }
    const now = this.#clock();
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
      await store.updateStatus(
        { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
        { ...pod.status, phase: 'Failed', reason: 'NodeLost', message },
      );
      await recordEvent(store, pod, 'Warning', 'NodeLost', message, SOURCE);
    }
    return { requeueAfterMs: downFor < health.podEvictionGraceMs ? health.podEvictionGraceMs - downFor : health.heartbeatGraceMs };
  }
}
