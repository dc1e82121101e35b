import type { ExecutionContext } from 'ava';
import test from 'ava';
import type { KV } from '../../reconciler/store/kv.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { testEtcdKV } from '../helpers/etcd.js';

/** One contract, run against the real etcd and the in-memory KV that unit tests use. */
const implementations: Array<[string, (t: ExecutionContext) => KV]> = [
  ['etcd', (t) => testEtcdKV(t)],
  ['memory', () => new MemoryKV()],
];

for (const [name, make] of implementations) {
  test(`${name}: a guarded create fails when the key exists and writes nothing`, async (t) => {
    const kv = make(t);
    t.true((await kv.commit([{ type: 'put', key: '/a', value: '1', expectModRevision: 0 }])).succeeded);
    const r = await kv.commit([
      { type: 'put', key: '/b', value: '2' },
      { type: 'put', key: '/a', value: '3', expectModRevision: 0 },
    ]);
    t.false(r.succeeded);
    t.is((await kv.get('/a'))?.value, '1');
    t.is(await kv.get('/b'), undefined);
  });

  test(`${name}: list returns only keys under the prefix, sorted`, async (t) => {
    const kv = make(t);
    await kv.commit([
      { type: 'put', key: '/x/2', value: 'b' },
      { type: 'put', key: '/x/1', value: 'a' },
      { type: 'put', key: '/y/1', value: 'c' },
    ]);
    const { entries } = await kv.list('/x/');
    t.deepEqual(
      entries.map((e) => e.value),
      ['a', 'b'],
    );
  });

  test(`${name}: watch replays from a revision and reports the last value of a deleted key`, async (t) => {
    const kv = make(t);
    const first = await kv.commit([{ type: 'put', key: '/w/a', value: 'v1' }]);
    await kv.commit([{ type: 'put', key: '/w/a', value: 'v2' }]);
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void kv
        .watch('/w/', first.revision, (e) => {
          seen.push(`${e.type}:${e.value}:${e.createRevision === e.modRevision ? 'new' : 'old'}`);
          if (e.type === 'delete') resolve();
        })
        .then((w) => {
          t.teardown(() => w.close());
          return kv.commit([{ type: 'delete', key: '/w/a' }]);
        });
    });
    await done;
    t.deepEqual(seen, ['put:v2:old', 'delete:v2:old']);
  });
}
