import test from 'ava';
import { pino } from 'pino';
import { Informer } from '../../common/client/informer.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';
import { enoughNodesReady, whenNodesReady } from '../../reconciler/sync/first-sync-gate.js';
import { makeNode } from '../helpers/fixtures.js';

const log = pino({ level: 'silent' });

test('counts only Ready nodes', (t) => {
  const nodes = [makeNode('node-1'), makeNode('node-2', { ready: false }), makeNode('node-3')];
  t.true(enoughNodesReady(nodes, 2));
  t.false(enoughNodesReady(nodes, 3));
  t.true(enoughNodesReady([], 0));
});

test('the first sync waits until the expected nodes are Ready', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  const nodes = new Informer(storeListWatch(store), 'Node', { log });
  t.teardown(() => nodes.stop());
  let passed = false;
  const gate = whenNodesReady(nodes, 2, 60_000, log).then(() => (passed = true));
  await nodes.start();
  const seen = new Promise<void>((resolve) => nodes.onChange(() => nodes.list().length === 1 && resolve()));
  await store.create(makeNode('node-1'));
  await seen;
  t.false(passed);
  await store.create(makeNode('node-2'));
  await gate;
  t.true(passed);
});

test('without expected nodes there is nothing to wait for; with them it gives up after the timeout', async (t) => {
  const nodes = new Informer(storeListWatch(new ObjectStore(new MemoryKV())), 'Node', { log });
  await whenNodesReady(nodes, 0, 60_000, log);
  const t0 = Date.now();
  await whenNodesReady(nodes, 3, 50, log);
  t.true(Date.now() - t0 >= 45);
});
