import test from 'ava';
import type { InvocationRequestInput } from '../../common/functions/invocation.js';
import { kafkaTriggerEvent, type TriggerEvent, triggerTargets } from '../../common/functions/trigger-events.js';
import type { Execution, FunctionObject, Workflow } from '../../common/schema/index.js';
import { triggerFirer, triggerInput } from '../../common/workflows/trigger-firing.js';
import { StoreError } from '../../reconciler/store/store-error.js';

const wf = (name: string, triggers?: Workflow['spec']['triggers']): Workflow => ({
  apiVersion: 'minik8s.io/v1',
  kind: 'Workflow',
  metadata: { name, namespace: 'team' },
  spec: { definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, ...(triggers && { triggers }) },
});
const fn = (name: string, triggers: FunctionObject['spec']['triggers']): FunctionObject => ({
  apiVersion: 'minik8s.io/v1',
  kind: 'Function',
  metadata: { name, namespace: 'default' },
  spec: {
    source: 'f.py',
    handler: 'f.py',
    runtime: 'python3',
    timeoutSeconds: 30,
    concurrency: 10,
    scale: { minScale: 0, maxScale: 10, scaleToZeroAfterSeconds: 60 },
    triggers,
  },
});
const message = { key: Buffer.from('k'), value: Buffer.from('{"image":"x"}'), offset: '41' };

test('targets are the Functions and Workflows that have triggers', (t) => {
  const targets = triggerTargets([fn('a', [{ kafka: { topic: 'x' } }]), fn('b', [])], [wf('c', [{ git: { paths: 'docs/**' } }]), wf('d')]);
  t.deepEqual(
    targets.map((x) => `${x.kind}/${x.namespace}/${x.name}`),
    ['Function/default/a', 'Workflow/team/c'],
  );
});

test('a Function’s event is a call with the event’s id and headers; a Workflow’s an execution named by the event, once', async (t) => {
  const calls: InvocationRequestInput[] = [];
  const created = new Set<string>();
  const executions: Execution[] = [];
  const fire = triggerFirer({
    call: async (c) => {
      calls.push(c);
    },
    executions: {
      async create(e) {
        if (created.has(e.metadata.name)) throw new StoreError('AlreadyExists', 'exists');
        created.add(e.metadata.name);
        executions.push(e);
        return e;
      },
    },
  });
  const event = kafkaTriggerEvent('uploads', 2, message);
  const [f, w] = triggerTargets([fn('a', [{ kafka: { topic: 'uploads' } }])], [wf('c', [{ kafka: { topic: 'uploads' } }])]);
  await fire(f!, event);
  t.is(calls[0]?.callId, 'kafka-default-a-uploads-2-41');
  t.like(calls[0]?.headers, { 'x-kafka-topic': 'uploads', 'x-kafka-partition': '2', 'x-kafka-offset': '41', 'x-kafka-key': 'k' });
  await fire(w!, event);
  await fire(w!, event); // delivered again
  t.is(executions.length, 1);
  t.like(executions[0]?.spec, { workflow: 'c', input: { image: 'x' }, startedBy: 'kafka' });
  t.regex(executions[0]!.metadata.name, /^c-kafka-[0-9a-f]{16}$/);
  t.is(executions[0]?.metadata.namespace, 'team');
});

test('an event’s body is the execution’s input: its JSON, else its text, {} when empty', (t) => {
  const ev = (body: string): TriggerEvent => ({ source: 'kafka', id: '1', headers: {}, body: Buffer.from(body) });
  t.deepEqual(triggerInput(ev('[1,2]')), [1, 2]);
  t.is(triggerInput(ev('plain text')), 'plain text');
  t.deepEqual(triggerInput(ev('')), {});
});
