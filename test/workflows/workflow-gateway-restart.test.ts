import test from 'ava';
import { stringify as toYaml } from 'yaml';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import { type Execution, LABEL_WORKFLOW } from '../../common/schema/index.js';
import { waitForExecution } from '../../common/workflows/executions.js';
import { httpCall } from '../functions/function-http-call.js';
import { waitForObject } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { testKafkaClients } from '../helpers/kafka.js';
import { startTestCluster } from '../helpers/test-cluster.js';

const kafka = testKafkaClients();
const maybe = kafka && process.env.MINIK8S_TEST_NODES ? test : test.skip;

const EXECUTIONS = 4;
const STEPS = ['A', 'B', 'C'];
/** Each call leaves one line in the instance's log, the side effect this test counts. */
const STEP_PY = `import time

def handle(event, context):
    print(f"SIDE-EFFECT {context.call_id}", flush=True)
    data = event.json or {}
    time.sleep(float(data.get("sleep", 0)))
    return {**data, "n": data.get("n", 0) + 1}
`;

maybe('a gateway killed in the middle of running executions: each completes once, and no step runs twice on the real instance', async (t) => {
  t.timeout(10 * 60_000); // the test nodes may be busy with another cluster test first
  const clientsFile = process.env.MINIK8S_TEST_KAFKA_CLIENTS!;
  const cluster = await startTestCluster(t, { nodes: 1, controlPlane: { kafka: kafka! } });
  let gateway = await startGatewayProcess(t, cluster, ['--kafka', clientsFile]);
  const states = Object.fromEntries(
    STEPS.map((s, i) => [
      s,
      // Long enough for the gateway to come back and its consumer group to settle: no step times out meanwhile.
      { Type: 'Task', Resource: 'wf-step', TimeoutSeconds: 240, ...(i < STEPS.length - 1 ? { Next: STEPS[i + 1] } : { End: true }) },
    ]),
  );
  const pushed = await cluster.push({
    'functions/wf-step/handler.py': STEP_PY,
    'wf-step.yaml': toYaml({
      apiVersion: 'minik8s.io/v1',
      kind: 'Function',
      metadata: { name: 'wf-step' },
      spec: { source: 'functions/wf-step/', timeoutSeconds: 30, scale: { minScale: 1, maxScale: 1, scaleToZeroAfterSeconds: 600 } },
    }),
    'steps.yaml': toYaml({
      apiVersion: 'minik8s.io/v1',
      kind: 'Workflow',
      metadata: { name: 'steps' },
      spec: { definition: { StartAt: 'A', States: states } },
    }),
  });
  if (!pushed.ok) throw new Error('push refused');
  await waitForObject(cluster.client, 'Function', 'wf-step', (f) => f?.status?.readyReplicas === 1 && f.status.revision === pushed.revision, {
    timeoutMs: 120_000,
  });

  // Started through the gateway, as a client would.
  const base = `http://${cluster.nodes[0]!.ip}`;
  const ids: string[] = [];
  for (let i = 0; i < EXECUTIONS; i++) {
    const r = await httpCall(`${base}/workflow/steps?async`, { body: JSON.stringify({ sleep: 1.5, n: 0, i }) });
    t.is(r.status, 202, r.body);
    ids.push((JSON.parse(r.body) as { execution: string }).execution);
  }
  // Killed while the second steps run: each execution has finished its first.
  const firstDone = (e: Execution | undefined) => (e?.status?.history ?? []).some((h) => h.type === 'TaskSucceeded');
  for (const id of ids) await waitForObject(cluster.client, 'Execution', id, firstDone, { timeoutMs: 120_000 });
  await gateway.kill('SIGKILL');
  gateway = await startGatewayProcess(t, cluster, ['--kafka', clientsFile]);

  const done = await Promise.all(ids.map((id) => waitForExecution(cluster.client, 'default', id, 240_000)));
  for (const [i, e] of done.entries()) {
    t.is(e?.status?.phase, 'Succeeded', JSON.stringify(e?.status?.history.slice(-3)));
    t.like(e?.status?.output, { n: STEPS.length, i });
    // Each state's step recorded once, at its first attempt.
    const succeeded = (e?.status?.history ?? []).filter((h) => h.type === 'TaskSucceeded');
    t.deepEqual(succeeded.map((h) => h.state).sort(), [...STEPS].sort());
    t.false((e?.status?.history ?? []).some((h) => h.type === 'RetryScheduled' || h.type === 'TaskFailed'));
  }
  t.is((await cluster.client.list('Execution', { labelSelector: `${LABEL_WORKFLOW}=steps` })).items.length, EXECUTIONS, 'no execution was started twice');

  // The side effects: one line per step of each execution, none twice, on the one instance there is.
  const [pod, ...others] = (await cluster.client.list('Pod', { labelSelector: `${LABEL_FUNCTION}=wf-step` })).items;
  t.is(others.length, 0);
  const log = await cluster.logs(pod!.metadata.name, 'function');
  const effects = log.split('\n').filter((l) => l.startsWith('SIDE-EFFECT '));
  t.is(effects.length, EXECUTIONS * STEPS.length, `${log}\nrestarts: ${pod!.status?.containerStatuses?.[0]?.restartCount}`);
  t.is(new Set(effects).size, effects.length, 'a call ran twice');
});
