import test from 'ava';
import { Informer } from '../../common/client/informer.js';
import { createLogger } from '../../common/log/log.js';
import type { Execution, ExecutionPhase, Json, Workflow } from '../../common/schema/index.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { storeListWatch } from '../../reconciler/store/store-list-watch.js';
import { expiredExecutions } from '../../reconciler/workflows/execution-retention.js';
import { type StepCall, StepCallRefused, type StepReply, type StepTransport } from '../../reconciler/workflows/step-transport.js';
import { WorkflowExecutor } from '../../reconciler/workflows/workflow-executor.js';

const log = createLogger('workflow-executor-test');

/**
 * Calls answered by plain functions, replies held until recorded (as Kafka holds an uncommitted
 * offset): what a stopped executor had not recorded is handed to the next one.
 */
class MemoryTransport implements StepTransport {
  readonly calls: StepCall[] = [];
  held: StepReply[] = [];
  #handler: ((r: StepReply) => Promise<void>) | undefined;
  constructor(
    readonly functions: Record<string, (input: Json) => Json>,
    readonly answer = true,
  ) {}

  async invoke(call: StepCall): Promise<void> {
    const fn = this.functions[call.function];
    if (!fn) throw new StepCallRefused(`function "${call.function}" does not exist`);
    this.calls.push(call);
    let reply: StepReply;
    try {
      reply = { callId: call.callId, ok: true, output: fn(call.input) };
    } catch (err) {
      reply = { callId: call.callId, ok: false, error: (err as Error).name, cause: (err as Error).message };
    }
    this.held.push(reply);
    if (this.answer) setImmediate(() => void this.#send(reply));
  }

  async #send(reply: StepReply): Promise<void> {
    await this.#handler?.(reply);
    this.held = this.held.filter((r) => r !== reply);
  }

  async onReply(handler: (r: StepReply) => Promise<void>): Promise<void> {
    this.#handler = handler;
  }

  redeliver(from: MemoryTransport): void {
    for (const r of from.held) setImmediate(() => void this.#send(r));
  }

  async stop(): Promise<void> {
    this.#handler = undefined;
  }
}

const chain: Workflow = {
  apiVersion: 'minik8s.io/v1',
  kind: 'Workflow',
  metadata: { name: 'chain', namespace: 'default' },
  spec: {
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'inc', Next: 'B' },
        B: { Type: 'Task', Resource: 'inc', Next: 'C' },
        C: { Type: 'Task', Resource: 'inc', End: true },
      },
    },
  },
};

function execution(name: string, workflow: string, input: Json): Execution {
  return { apiVersion: 'minik8s.io/v1', kind: 'Execution', metadata: { name, namespace: 'default', labels: { workflow } }, spec: { workflow, input } };
}

const inc = (i: Json) => ({ n: ((i as { n: number }).n ?? 0) + 1 });

async function startExecutor(store: ObjectStore, transport: StepTransport) {
  const executions = new Informer(storeListWatch(store), 'Execution', { log });
  const executor = new WorkflowExecutor({ store, executions, transport, log });
  await executor.start();
  await executions.start();
  return {
    executions,
    async stop() {
      executions.stop();
      await executor.stop();
    },
  };
}

/** Resolves with the execution once its phase is one of `phases` (watching, not polling). */
function waitForPhase(executions: Informer<'Execution'>, name: string, phases: ExecutionPhase[]): Promise<Execution> {
  return new Promise((resolve) => {
    const check = (e: Execution | undefined) => e?.metadata.name === name && e.status && phases.includes(e.status.phase) && resolve(e);
    executions.onChange((ev) => check(ev.object));
    check(executions.get(`Execution/default/${name}`));
  });
}

test('an Execution created without a status runs its workflow to the end, each step called once', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  await store.create(chain);
  const transport = new MemoryTransport({ inc });
  const ex = await startExecutor(store, transport);
  t.teardown(() => ex.stop());
  await store.create(execution('e1', 'chain', { n: 0 }));
  const done = await waitForPhase(ex.executions, 'e1', ['Succeeded', 'Failed']);
  t.is(done.status?.phase, 'Succeeded');
  t.deepEqual(done.status?.output, { n: 3 });
  t.is(transport.calls.length, 3);
  t.deepEqual(done.status?.engine?.outbox, []);
  t.true(transport.calls.every((c) => c.callId.startsWith('default/e1/')));
});

test('a reply the stopped executor did not record is recorded by the next one; no step runs twice', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  await store.create(chain);
  const first = new MemoryTransport({ inc }, false);
  const a = await startExecutor(store, first);
  await store.create(execution('e2', 'chain', { n: 0 }));
  await waitForPhase(a.executions, 'e2', ['Running']);
  while (first.calls.length === 0) await new Promise((r) => setImmediate(r));
  await a.stop();

  const second = new MemoryTransport({ inc });
  const b = await startExecutor(store, second);
  t.teardown(() => b.stop());
  second.redeliver(first);
  const done = await waitForPhase(b.executions, 'e2', ['Succeeded', 'Failed']);
  t.deepEqual(done.status?.output, { n: 3 });
  t.deepEqual(
    [...first.calls, ...second.calls].map((c) => c.callId.slice('default/e2/'.length)),
    ['root/1:A#1', 'root/2:B#1', 'root/3:C#1'],
  );
});

test('a Task naming a Function that does not exist fails its step at once', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  await store.create({
    ...chain,
    metadata: { name: 'missing', namespace: 'default' },
    spec: { definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'nope', End: true } } } },
  });
  const ex = await startExecutor(store, new MemoryTransport({}));
  t.teardown(() => ex.stop());
  await store.create(execution('e3', 'missing', {}));
  const done = await waitForPhase(ex.executions, 'e3', ['Failed']);
  t.is(done.status?.error, 'States.TaskFailed');
  t.regex(done.status?.cause ?? '', /does not exist/);
});

test('an Execution of a workflow that does not exist fails with the reason', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  const ex = await startExecutor(store, new MemoryTransport({}));
  t.teardown(() => ex.stop());
  await store.create(execution('e4', 'ghost', {}));
  const done = await waitForPhase(ex.executions, 'e4', ['Failed']);
  t.regex(done.status?.cause ?? '', /workflow "ghost" does not exist/);
});

test('a Wait state’s timer is armed from the status and fires', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  await store.create({
    ...chain,
    metadata: { name: 'waits', namespace: 'default' },
    spec: { definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 0.05, End: true } } } },
  });
  const ex = await startExecutor(store, new MemoryTransport({}));
  t.teardown(() => ex.stop());
  await store.create(execution('e5', 'waits', { x: 1 }));
  const done = await waitForPhase(ex.executions, 'e5', ['Succeeded']);
  t.deepEqual(done.status?.output, { x: 1 });
});

test('retention lets go of finished executions beyond the newest N per workflow, and of old ones; running ones stay', (t) => {
  const at = (name: string, workflow: string, completed?: string): Execution => ({
    ...execution(name, workflow, {}),
    status: { phase: completed ? 'Succeeded' : 'Running', startTime: '2026-01-01T00:00:00Z', ...(completed && { completionTime: completed }), history: [] },
  });
  const list = [
    at('a1', 'a', '2026-01-01T00:01:00Z'),
    at('a2', 'a', '2026-01-01T00:02:00Z'),
    at('a3', 'a', '2026-01-01T00:03:00Z'),
    at('a4', 'a'),
    at('b1', 'b', '2025-12-01T00:00:00Z'),
  ];
  const expired = expiredExecutions(list, new Date('2026-01-01T01:00:00Z'), { keepPerWorkflow: 2, maxAgeMs: 24 * 3600_000 });
  t.deepEqual(expired.map((e) => e.metadata.name).sort(), ['a1', 'b1']);
});

test('an execution whose creation the executor never heard of is started at the next resync', async (t) => {
  const store = new ObjectStore(new MemoryKV());
  await store.create(chain);
  await store.create(execution('unheard', 'chain', { n: 0 }));
  // The informer has the execution before the executor listens to it: no event will ever tell it.
  const executions = new Informer(storeListWatch(store), 'Execution', { log });
  await executions.start();
  const executor = new WorkflowExecutor({ store, executions, transport: new MemoryTransport({ inc }), log, resyncMs: 50 });
  t.teardown(async () => {
    executions.stop();
    await executor.stop();
  });
  await executor.start();
  const done = await waitForPhase(executions, 'unheard', ['Succeeded', 'Failed']);
  t.deepEqual(done.status?.output, { n: 3 });
});
