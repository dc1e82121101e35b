import { isDeepStrictEqual } from 'node:util';
import { refOf } from '../../common/schema/index.js';
import { gatewayService } from '../../common/schema/system-services.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';

/**
 * Creates the gateway Service, or puts its spec back when it drifted. It is the cluster's own object,
 * not Git's: sync prunes only what Git owned, so it stays. A concurrent start that created it first wins.
 */
export async function ensureGatewayService(store: ObjectStore): Promise<void> {
  const desired = gatewayService();
  const current = await store.get({ ...refOf(desired), kind: 'Service' });
  if (!current) {
    await store.create(desired).catch((err: unknown) => {
      if (!isStoreError(err, 'AlreadyExists')) throw err;
    });
    return;
  }
  if (isDeepStrictEqual(current.spec, desired.spec)) return;
  await store.update({ ...current, spec: desired.spec });
}
