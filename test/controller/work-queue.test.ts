import test from 'ava';
import { pino } from 'pino';
import { TerminalError, WorkQueue } from '../../common/controller/work-queue.js';
import { StoreError } from '../../reconciler/store/store-error.js';

const log = pino({ level: 'silent' });

/** A queue whose reconcile records keys and resolves `reconciled(n)` once it has run n times. */
function recordingQueue(reconcile: (key: string, attempt: number) => Promise<void> = async () => {}) {
  const runs: Array<{ key: string; at: number }> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const queue = new WorkQueue(
    'test',
    async (key) => {
      runs.push({ key, at: Date.now() });
      try {
        await reconcile(key, runs.filter((r) => r.key === key).length);
      } finally {
        for (const w of waiters.filter((w) => runs.length >= w.n)) w.resolve();
      }
    },
    log,
    { baseDelayMs: 5, maxDelayMs: 20 },
  );
  // The queue's timers do not hold the process open (unref), so a waiting test must.
  const reconciled = async (n: number) => {
    const keepAlive = setInterval(() => {}, 1000);
    await new Promise<void>((resolve) => (runs.length >= n ? resolve() : waiters.push({ n, resolve })));
    clearInterval(keepAlive);
  };
  return { queue, runs, reconciled };
}

test('an earlier deadline for a key replaces a later pending one', async (t) => {
  const { queue, runs, reconciled } = recordingQueue();
  t.teardown(() => queue.stop());
  const start = Date.now();
  queue.addAfter('a', 60_000);
  queue.addAfter('a', 10);
  await reconciled(1);
  t.true(Date.now() - start < 30_000);
  t.deepEqual(
    runs.map((r) => r.key),
    ['a'],
  );
});

test('a later deadline does not push back an earlier pending one', async (t) => {
  const { queue, reconciled } = recordingQueue();
  t.teardown(() => queue.stop());
  const start = Date.now();
  queue.addAfter('a', 10);
  queue.addAfter('a', 60_000);
  await reconciled(1);
  t.true(Date.now() - start < 30_000);
});

test('a key added while queued runs once, and one added while it runs runs again after', async (t) => {
  let release = () => {};
  const { queue, runs, reconciled } = recordingQueue(async (_key, attempt) => {
    if (attempt === 1) await new Promise<void>((resolve) => (release = resolve));
  });
  queue.add('a');
  queue.add('a');
  queue.add('a');
  await new Promise<void>((resolve) => setImmediate(resolve));
  release();
  await reconciled(2);
  await queue.whenIdle();
  t.deepEqual(
    runs.map((r) => r.key),
    ['a', 'a'],
  );
});

test('a failing key is retried until it succeeds; a terminal error is not retried', async (t) => {
  const { queue, runs, reconciled } = recordingQueue(async (key, attempt) => {
    if (key === 'flaky' && attempt < 3) throw new Error('not yet');
    if (key === 'bad') throw new TerminalError('cannot work');
  });
  t.teardown(() => queue.stop());
  queue.add('bad');
  queue.add('flaky');
  await reconciled(4);
  await queue.whenIdle();
  t.deepEqual(
    runs.map((r) => r.key),
    ['bad', 'flaky', 'flaky', 'flaky'],
  );
});

test('a write conflict is retried until the write goes through', async (t) => {
  const { queue, runs, reconciled } = recordingQueue(async (_key, attempt) => {
    if (attempt === 1) throw new StoreError('Conflict', 'the object has been modified');
  });
  t.teardown(() => queue.stop());
  queue.add('a');
  await reconciled(2);
  await queue.whenIdle();
  t.deepEqual(
    runs.map((r) => r.key),
    ['a', 'a'],
  );
});
