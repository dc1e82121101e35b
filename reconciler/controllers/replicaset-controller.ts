import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { type Pod, type ReplicaSet, refOf } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { claimedObjects } from '../workloads/owner-references.js';
import { countPods } from '../workloads/pod-availability.js';
import { podForReplicaSet, randomSuffix } from '../workloads/pod-for-replica-set.js';
import { diffReplicaSet } from '../workloads/replica-set-diff.js';
import { statusChanged } from '../workloads/status-changed.js';

const SOURCE = { component: 'replicaset-controller' };

export interface ReplicaSetControllerDeps {
  store: ObjectStore;
  pods: Informer<'Pod'>;
  replicaSets: Informer<'ReplicaSet'>;
  log: Logger;
}

/**
 * Keeps `spec.replicas` pods of each ReplicaSet's template: creates missing ones (the scheduler places
 * them), removes surplus ones in Kubernetes' order, deletes Failed pods once replaced, and deletes the
 * pods of a ReplicaSet that is gone (garbage collection by owner reference). Pods are read from the
 * store, not the cache, on every reconcile: a pod created a moment ago must count, or it would be made twice.
 */
export class ReplicaSetController extends Controller<'ReplicaSet'> {
  readonly #deps: ReplicaSetControllerDeps;

  constructor(deps: ReplicaSetControllerDeps) {
    super('ReplicaSet', 'replicaset', { log: deps.log, recordEvent: storeEventRecorder(deps.store) }, { concurrency: 2 });
    this.#deps = deps;
    this.watch(deps.replicaSets);
    this.watchOwned(deps.pods);
  }

  protected read(ref: KindRef<'ReplicaSet'>): Promise<ReplicaSet | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'ReplicaSet'>, rs: ReplicaSet | undefined): Promise<ReconcileResult> {
    const { store } = this.#deps;
    const { owned, orphans } = claimedObjects((await store.list('Pod', ref.namespace)).items, 'ReplicaSet', ref.name, rs);
    for (const pod of orphans) {
      await store.delete(refOf(pod));
      this.#deps.log.info({ pod: pod.metadata.name, replicaSet: ref.name }, 'deleted pod of a replica set that is gone');
    }
    if (!rs) return {};

    const diff = diffReplicaSet(rs.spec.replicas, owned);
    const created = await Promise.all(Array.from({ length: diff.create }, () => this.#createPod(rs)));
    for (const pod of [...diff.remove, ...diff.finished]) {
      await store.delete(refOf(pod));
      await recordEvent(store, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
    }

    const removed = new Set(diff.remove);
    const counts = countPods([...owned.filter((p) => !removed.has(p)), ...created], rs.spec.minReadySeconds ?? 0, Date.now());
    const status = {
      ...rs.status,
      replicas: counts.replicas,
      readyReplicas: counts.readyReplicas,
      availableReplicas: counts.availableReplicas,
      observedGeneration: rs.metadata.generation,
    };
    if (statusChanged(rs.status, status)) await store.updateStatus(ref, status);
    // A ready pod becomes available after minReadySeconds, with no event to say so.
    return counts.nextAvailableInMs === undefined ? {} : { requeueAfterMs: counts.nextAvailableInMs };
  }

  async #createPod(rs: ReplicaSet): Promise<Pod> {
    const { store } = this.#deps;
    for (let attempt = 0; ; attempt++) {
      try {
        const pod = await store.create(podForReplicaSet(rs, randomSuffix()));
        await recordEvent(store, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        return pod;
      } catch (err) {
        // A generated name can collide with an existing pod: draw another.
        if (isStoreError(err, 'AlreadyExists') && attempt < 3) continue;
        await recordEvent(store, rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, SOURCE);
        throw err;
      }
    }
  }
}
