import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { TerminalError, WorkQueue, type WorkQueueOptions } from '../../common/controller/work-queue.js';
import { StoreError } from '../../reconciler/store/store-error.js';

/** What the queue logged, as pino's records (level 20 debug, 40 warn). */
interface LogRecord {
  level: number;
  msg: string;
  key?: string;
}

/**
 * A queue whose reconcile records keys and resolves `reconciled(n)` once it has run n times; what it
 * logs is kept in `logged`, and `opts` may add a terminal-error report.
 */
function recordingQueue(reconcile: (key: string, attempt: number) => Promise<void> = async () => {}, opts: Pick<WorkQueueOptions, 'onTerminalError'> = {}) {
  const logged: LogRecord[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as LogRecord) });
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
    { baseDelayMs: 5, maxDelayMs: 20, ...opts },
  );
  // The queue's timers do not hold the process open (unref), so a waiting test must.
  const reconciled = async (n: number) => {
    const keepAlive = setInterval(() => {}, 1000);
    await new Promise<void>((resolve) => (runs.length >= n ? resolve() : waiters.push({ n, resolve })));
    clearInterval(keepAlive);
  };
  return { queue, runs, reconciled, logged };
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

/**
 * `bad` fails terminally once and `flaky` twice before it succeeds: flaky's retries come after bad's
 * back-off would have, so had bad been retried it would be among the runs.
 */
async function badAndFlaky(t: ExecutionContext, onTerminalError: NonNullable<WorkQueueOptions['onTerminalError']>) {
  const q = recordingQueue(
    async (key, attempt) => {
      if (key === 'flaky' && attempt < 3) throw new Error('not yet');
      if (key === 'bad') throw new TerminalError('InvalidSpec', 'cannot work');
    },
    { onTerminalError },
  );
  t.teardown(() => q.queue.stop());
  q.queue.add('bad');
  q.queue.add('flaky');
  await q.reconciled(4);
  await q.queue.whenIdle();
  return { runs: q.runs.map((r) => r.key), logged: q.logged };
}

test('a failing key is retried until it succeeds; a terminal error is reported once and not retried', async (t) => {
  const reports: string[] = [];
  const { runs } = await badAndFlaky(t, async (key, err) => void reports.push(`${key} ${err.reason}: ${err.message}`));
  t.deepEqual(runs, ['bad', 'flaky', 'flaky', 'flaky']);
  t.deepEqual(reports, ['bad InvalidSpec: cannot work']);
});

test('a terminal error whose report fails is logged, and still not retried', async (t) => {
  const { runs, logged } = await badAndFlaky(t, async () => {
    throw new Error('events are down');
  });
  t.deepEqual(runs, ['bad', 'flaky', 'flaky', 'flaky']);
  t.true(logged.some((r) => r.key === 'bad' && r.msg === 'could not report a terminal error'));
});

test('a write conflict is retried quietly, any other failure with a warning', async (t) => {
  const { queue, reconciled, logged } = recordingQueue(async (key, attempt) => {
    if (attempt > 1) return;
    if (key === 'moved') throw new StoreError('Conflict', 'the object has been modified');
    throw new Error('etcd is away');
  });
  t.teardown(() => queue.stop());
  queue.add('moved');
  queue.add('broken');
  await reconciled(4);
  await queue.whenIdle();
  const levels = (key: string) => logged.filter((r) => r.key === key).map((r) => `${r.level} ${r.msg}`);
  t.deepEqual(levels('moved'), ['20 object changed since it was read; retrying']);
  t.deepEqual(levels('broken'), ['40 reconcile failed; retrying']);
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
