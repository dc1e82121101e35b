import test, { type ExecutionContext } from 'ava';
import { Informer } from '../../common/client/informer.js';
import type { Execution } from '../../common/schema/index.js';
import { ExecutionWaiter } from '../../gateway/workflows/execution-waiter.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';
import { silentLog } from '../helpers/controller-fixture.js';

const execution = (name: string): Execution => ({
  apiVersion: 'minik8s.io/v1',
  kind: 'Execution',
  metadata: { name, namespace: 'default' },
  spec: { workflow: 'chain', input: {} },
});
const now = new Date().toISOString();
const running = { phase: 'Running' as const, startTime: now, history: [] };
const succeeded = { phase: 'Succeeded' as const, startTime: now, completionTime: now, output: { ok: true }, history: [] };

async function fixture(t: ExecutionContext) {
  const store = new ObjectStore(new MemoryKV());
  const executions = new Informer(storeListWatch(store), 'Execution', { log: silentLog });
  await executions.start();
  t.teardown(() => executions.stop());
  return { store, waiter: new ExecutionWaiter(executions) };
}

test('answers at once for an execution that has finished, and when it finishes for one still running', async (t) => {
  const { store, waiter } = await fixture(t);
  const done = await store.create(execution('done'));
  await store.update({ ...done, status: succeeded });
  const e = await store.create(execution('later'));
  await store.update({ ...e, status: running });
  while (!waiter.executions.get('Execution/default/done')?.status) await new Promise((r) => setImmediate(r));
  t.deepEqual((await waiter.wait('default', 'done', 1000))?.status?.output, { ok: true });
  const first = waiter.wait('default', 'later', 5000);
  const second = waiter.wait('default', 'later', 5000);
  await store.update({ ...(await store.mustGet({ kind: 'Execution', namespace: 'default', name: 'later' })), status: succeeded });
  t.is((await first)?.status?.phase, 'Succeeded');
  t.is((await second)?.status?.phase, 'Succeeded');
});

test('gives up after its timeout while the execution runs on', async (t) => {
  const { store, waiter } = await fixture(t);
  const e = await store.create(execution('slow'));
  await store.update({ ...e, status: running });
  t.is(await waiter.wait('default', 'slow', 50), undefined);
});
