import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { activeNamespace, BUILT_IN_NAMESPACES } from '../sync/namespace-lifecycle.js';

/** Creates the namespaces every cluster has (default, kube-system, ...) that the store lacks; a concurrent start that made one first wins. */
export async function ensureBuiltInNamespaces(store: ObjectStore): Promise<void> {
  for (const name of BUILT_IN_NAMESPACES) {
    if (await store.get({ kind: 'Namespace', name })) continue;
    await store.create(activeNamespace(name)).catch((err: unknown) => {
      if (!isStoreError(err, 'AlreadyExists')) throw err;
    });
  }
}
