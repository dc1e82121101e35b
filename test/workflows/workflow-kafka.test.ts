import { randomBytes } from 'node:crypto';
import test from 'ava';
import { createLogger } from '../../common/log/log.js';
import type { Json, Workflow } from '../../common/schema/index.js';
import { startWorkflow, waitForExecution } from '../../common/workflows/executions.js';
import { startGateway } from '../../gateway/gateway.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { serveKafkaFunctions } from '../helpers/kafka-functions.js';

const clients = testKafkaClients();
const maybe = clients ? test.serial : test.skip;
const unique = () => randomBytes(4).toString('hex');

function workflow(name: string, definition: Workflow['spec']['definition']): Workflow {
  return { apiVersion: 'minik8s.io/v1', kind: 'Workflow', metadata: { name, namespace: 'default' }, spec: { definition } };
}

async function cluster(t: Parameters<typeof startTestControlPlane>[0]) {
  const id = unique();
  return startTestControlPlane(t, { kafka: clients!, workflowReplies: { topic: `test.workflow-replies.${id}`, group: `test.workflows.${id}` } });
}

const inc = (i: Json) => ({ n: ((i as { n?: number }).n ?? 0) + 1 });

maybe('a chain over Kafka passes each output on, with a Choice and a Parallel, each step served once', async (t) => {
  const c = await cluster(t);
  const [f, g] = [`inc-${unique()}`, `dbl-${unique()}`];
  const fns = await serveKafkaFunctions(clients!, 'default', { [f]: inc, [g]: (i) => ({ n: (i as { n: number }).n * 2 }) });
  t.teardown(() => fns.stop());
  await c.cp.store.create(
    workflow('chain', {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: f, Next: 'B' },
        B: { Type: 'Task', Resource: f, Next: 'Big' },
        Big: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 100, Next: 'Done' }], Default: 'Fan' },
        Fan: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'X', States: { X: { Type: 'Task', Resource: g, End: true } } },
            { StartAt: 'Y', States: { Y: { Type: 'Task', Resource: f, End: true } } },
          ],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    }),
  );
  const e = await startWorkflow(c.client, 'default', 'chain', { n: 1 }, 'cli');
  const done = await waitForExecution(c.client, 'default', e.metadata.name, 60_000);
  t.is(done?.status?.phase, 'Succeeded');
  t.deepEqual(done?.status?.output, [{ n: 6 }, { n: 4 }]);
  t.is(fns.calls.size, 4);
  t.true([...fns.calls.values()].every((n) => n === 1));

  const big = await startWorkflow(c.client, 'default', 'chain', { n: 500 }, 'cli');
  t.deepEqual((await waitForExecution(c.client, 'default', big.metadata.name, 60_000))?.status?.output, { n: 502 });
});

maybe('an execution survives a control-plane restart mid-step: the reply sent meanwhile is recorded, no step runs twice', async (t) => {
  const c = await cluster(t);
  const [slow, f] = [`slow-${unique()}`, `inc-${unique()}`];
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  let reached: () => void = () => undefined;
  const atSlow = new Promise<void>((r) => (reached = r));
  const fns = await serveKafkaFunctions(clients!, 'default', {
    [f]: inc,
    [slow]: async (i) => {
      reached();
      await released;
      return inc(i);
    },
  });
  t.teardown(() => fns.stop());
  await c.cp.store.create(
    workflow('restart', {
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: f, Next: 'S' }, S: { Type: 'Task', Resource: slow, Next: 'C' }, C: { Type: 'Task', Resource: f, End: true } },
    }),
  );
  const e = await startWorkflow(c.client, 'default', 'restart', { n: 0 }, 'cli');
  await atSlow;
  await c.stopControlPlane();
  release();
  await c.startControlPlane();
  const done = await waitForExecution(c.client, 'default', e.metadata.name, 60_000);
  t.deepEqual(done?.status?.output, { n: 3 });
  t.deepEqual([...fns.calls.values()], [1, 1, 1]);
});

maybe('the gateway starts a workflow by POST: synchronously with its output, or ?async with an id to read later', async (t) => {
  const c = await cluster(t);
  const f = `inc-${unique()}`;
  const fns = await serveKafkaFunctions(clients!, 'default', { [f]: inc });
  t.teardown(() => fns.stop());
  await c.cp.store.create(workflow('web', { StartAt: 'A', States: { A: { Type: 'Task', Resource: f, End: true } } }));
  const gw = await startGateway({ api: c.client, address: '127.0.0.1', port: 0, log: createLogger('test-gateway') });
  t.teardown(() => gw.stop());
  const base = `http://127.0.0.1:${gw.port}`;
  const sync = await fetch(`${base}/workflow/web`, { method: 'POST', body: JSON.stringify({ n: 41 }) });
  t.is(sync.status, 200);
  t.deepEqual(await sync.json(), { n: 42 });
  t.truthy(sync.headers.get('x-minik8s-execution'));

  const started = await fetch(`${base}/workflow/web?async`, { method: 'POST', body: '{"n":1}' });
  t.is(started.status, 202);
  const { execution } = (await started.json()) as { execution: string };
  await waitForExecution(c.client, 'default', execution, 60_000);
  const result = await fetch(`${base}/workflow-executions/${execution}`);
  t.deepEqual(await result.json(), { n: 2 });

  t.is((await fetch(`${base}/workflow/nope`, { method: 'POST' })).status, 404);
  t.is((await fetch(`${base}/workflow/web`, { method: 'POST', body: 'not json' })).status, 400);
});

maybe('over Kafka, Retry recovers a function that fails twice, Catch routes a failure, and Map keeps the items’ order', async (t) => {
  const c = await cluster(t);
  const [flaky, broken, square] = [`flaky-${unique()}`, `broken-${unique()}`, `square-${unique()}`];
  let flakyCalls = 0;
  const fns = await serveKafkaFunctions(clients!, 'default', {
    [flaky]: (i) => {
      flakyCalls += 1;
      if (flakyCalls <= 2) throw Object.assign(new Error('not yet'), { name: 'ConnectionError' });
      return i;
    },
    [broken]: () => {
      throw Object.assign(new Error('cannot decode'), { name: 'ValueError' });
    },
    [square]: async (i) => {
      const n = i as number;
      await new Promise((r) => setTimeout(r, (5 - n) * 20)); // later items answer first
      return n * n;
    },
  });
  t.teardown(() => fns.stop());
  await c.cp.store.create(
    workflow('resilient', {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: flaky,
          Retry: [{ ErrorEquals: ['ConnectionError'], IntervalSeconds: 0.1, MaxAttempts: 3, BackoffRate: 2 }],
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 3,
          ItemProcessor: { StartAt: 'Sq', States: { Sq: { Type: 'Task', Resource: square, End: true } } },
          ResultPath: '$.squares',
          Next: 'Broken',
        },
        Broken: { Type: 'Task', Resource: broken, Catch: [{ ErrorEquals: ['ValueError'], Next: 'Handled', ResultPath: '$.error' }], End: true },
        Handled: { Type: 'Pass', End: true },
      },
    }),
  );
  const e = await startWorkflow(c.client, 'default', 'resilient', { items: [1, 2, 3, 4] }, 'cli');
  const done = await waitForExecution(c.client, 'default', e.metadata.name, 60_000);
  t.is(done?.status?.phase, 'Succeeded');
  t.deepEqual(done?.status?.output, { items: [1, 2, 3, 4], squares: [1, 4, 9, 16], error: { Error: 'ValueError', Cause: 'cannot decode' } });
  t.is(flakyCalls, 3);
  t.deepEqual(
    done?.status?.history.filter((h) => h.state === 'Flaky' && h.type === 'StateEntered').map((h) => h.attempt),
    [1, 2, 3],
  );
});
