import test, { type ExecutionContext } from 'ava';
import { Informer, type InformerEvent } from '../../common/client/informer.js';
import type { ListWatchSource, ObjectList, WatchEvent } from '../../common/client/list-watch-source.js';
import type { Kind, ObjectOf, Pod } from '../../common/schema/index.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';
import { startTestApi } from '../helpers/api-server.js';
import { testEtcdKV } from '../helpers/etcd.js';
import { makePod } from '../helpers/fixtures.js';

/** Collects informer events and lets a test wait until a given number arrived. */
function recorder(informer: Informer<'Pod'>) {
  const events: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  informer.onChange((e: InformerEvent<Pod>) => {
    events.push(`${e.type} ${e.key}`);
    for (const w of waiters) if (events.length >= w.n) w.resolve();
  });
  const until = (n: number) => (events.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { events, until };
}

const sources: Record<string, (t: ExecutionContext) => Promise<{ source: ListWatchSource; store: ObjectStore }>> = {
  'the API client': async (t: ExecutionContext) => {
    const { client, store } = await startTestApi(t);
    return { source: client as ListWatchSource, store };
  },
  'the object store': async (t: ExecutionContext) => {
    const store = new ObjectStore(testEtcdKV(t));
    return { source: storeListWatch(store), store };
  },
};

for (const [name, setup] of Object.entries(sources)) {
  test(`an informer over ${name} lists, then follows changes by key`, async (t) => {
    const { source, store } = await setup(t);
    await store.create(makePod('existing'));
    const informer = new Informer(source, 'Pod', { namespace: 'default' });
    t.teardown(() => informer.stop());
    const { events, until } = recorder(informer);

    await informer.start();
    t.true(informer.synced);
    t.deepEqual(events, ['ADDED Pod/default/existing']);

    await store.create(makePod('web'));
    await store.updateStatus({ kind: 'Pod', namespace: 'default', name: 'web' }, { phase: 'Running' });
    await until(3);
    t.is(informer.get('Pod/default/web')?.status?.phase, 'Running');
    await store.delete({ kind: 'Pod', namespace: 'default', name: 'existing' });
    await until(4);
    t.deepEqual(events, ['ADDED Pod/default/existing', 'ADDED Pod/default/web', 'MODIFIED Pod/default/web', 'DELETED Pod/default/existing']);
    t.deepEqual(
      informer.list().map((p) => p.metadata.name),
      ['web'],
    );
  });
}

test('cached objects are frozen, so callers cannot edit the cache in place', async (t) => {
  const store = new ObjectStore(testEtcdKV(t));
  await store.create(makePod('web'));
  const informer = new Informer(storeListWatch(store), 'Pod');
  t.teardown(() => informer.stop());
  await informer.start();
  const cached = informer.get('Pod/default/web')!;
  t.throws(() => {
    (cached.metadata as { name: string }).name = 'changed';
  });
});

/** A source whose first watch fails; the second list no longer has `gone`. */
class FlakySource implements ListWatchSource {
  lists = 0;

  async list<K extends Kind>(_kind: K): Promise<ObjectList<ObjectOf<K>>> {
    this.lists++;
    const pods = this.lists === 1 ? [pod('gone', '1'), pod('kept', '1')] : [pod('kept', '5')];
    return { items: pods as ObjectOf<K>[], resourceVersion: String(this.lists * 10) };
  }

  async *watch<K extends Kind>(_kind: K, _opts: unknown, signal?: AbortSignal): AsyncGenerator<WatchEvent<ObjectOf<K>>> {
    if (this.lists === 1) throw new Error('connection reset');
    await new Promise((resolve) => signal?.addEventListener('abort', resolve));
  }
}

function pod(name: string, resourceVersion: string): Pod {
  const p = makePod(name);
  p.metadata.resourceVersion = resourceVersion;
  return p;
}

test('after a failed watch the informer lists again and reports what changed meanwhile', async (t) => {
  const source = new FlakySource();
  const informer = new Informer(source, 'Pod', { minBackoffMs: 1 });
  t.teardown(() => informer.stop());
  const { events, until } = recorder(informer);
  await informer.start();
  await until(4);
  t.is(source.lists, 2);
  t.deepEqual(events, ['ADDED Pod/default/gone', 'ADDED Pod/default/kept', 'DELETED Pod/default/gone', 'MODIFIED Pod/default/kept']);
  t.is(informer.get('Pod/default/kept')?.metadata.resourceVersion, '5');
});
