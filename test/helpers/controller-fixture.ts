import type { ExecutionContext } from 'ava';
import { pino } from 'pino';
import { Informer } from '../../common/client/informer.js';
import type { ApiObject, Kind } from '../../common/schema/index.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';

export const silentLog = pino({ level: 'silent' });

/** What a controller under test is: it reconciles keys and stops. */
interface Reconciling {
  reconcile(key: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * A controller's world in memory, the sample-controller way: a store on MemoryKV holding the fixture's
 * objects and informers already synced with it. `controller` stops the controller's own queue at once,
 * so only the test's `reconcile(key)` calls run and what they wrote can be asserted exactly.
 */
export async function controllerFixture(t: ExecutionContext, objects: ApiObject[] = []) {
  const kv = new MemoryKV();
  const store = new ObjectStore(kv);
  for (const o of objects) await store.create(o);
  const source = storeListWatch(store);
  return {
    kv,
    store,
    async informer<K extends Kind>(kind: K): Promise<Informer<K>> {
      const informer = new Informer(source, kind, { log: silentLog });
      await informer.start();
      t.teardown(() => informer.stop());
      return informer;
    },
    async controller<C extends Reconciling>(make: () => C): Promise<C> {
      const c = make();
      await c.stop();
      return c;
    },
    /** The store's revision: unchanged across a reconcile that wrote nothing. */
    async revision(): Promise<number> {
      return (await kv.list('/')).revision;
    },
  };
}
