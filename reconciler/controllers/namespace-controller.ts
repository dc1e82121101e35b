import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { gitKinds, type Kind, kinds, type Namespace, resourceTypes } from '../../common/schema/index.js';
import { storeEventRecorder } from '../api/events.js';
import type { ObjectStore } from '../store/object-store.js';

export interface NamespaceControllerDeps {
  store: ObjectStore;
  namespaces: Informer<'Namespace'>;
  log: Logger;
  /** How soon a namespace whose objects were deleted is looked at again (some may be made anew meanwhile). */
  recheckMs?: number;
}

/**
 * The order a namespace is emptied in: what Git holds first (owners such as Deployments before the
 * ReplicaSets and Pods they make, so no controller makes them anew), then what controllers and agents wrote.
 */
export const NAMESPACED_DELETION_ORDER: readonly Kind[] = [
  ...gitKinds.filter((k) => k !== 'Pod' && k !== 'Namespace' && resourceTypes[k].namespaced),
  'Pod',
  ...kinds.filter((k) => !resourceTypes[k].fromGit && resourceTypes[k].namespaced),
];

/**
 * Kubernetes' namespace deletion: a Namespace marked Terminating (pruned from Git, or deleted through the
 * API) has every object in it deleted, in NAMESPACED_DELETION_ORDER; once a pass finds it empty, the
 * Namespace itself goes.
 */
export class NamespaceController extends Controller<'Namespace'> {
  readonly #deps: NamespaceControllerDeps;

  constructor(deps: NamespaceControllerDeps) {
    super('Namespace', 'namespaces', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.watch(deps.namespaces);
  }

  protected async read(ref: KindRef<'Namespace'>): Promise<Namespace | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'Namespace'>, ns: Namespace | undefined): Promise<ReconcileResult> {
    if (!ns?.metadata.deletionTimestamp) return {};
    const { store, log } = this.#deps;
    let deleted = 0;
    for (const kind of NAMESPACED_DELETION_ORDER)
      for (const o of (await store.list(kind, ref.name)).items) if (await store.delete({ kind, namespace: ref.name, name: o.metadata.name })) deleted++;
    if (deleted > 0) {
      log.info({ namespace: ref.name, deleted }, 'deleted the objects of a terminating namespace');
      return { requeueAfterMs: this.#deps.recheckMs ?? 1000 };
    }
    // Guarded by the version read: a namespace put back meanwhile is not deleted.
    await store.delete({ kind: 'Namespace', name: ref.name }, ns.metadata.resourceVersion);
    log.info({ namespace: ref.name }, 'namespace deleted');
    return {};
  }
}
