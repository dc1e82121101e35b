import { once } from 'node:events';
import { createServer } from 'node:http';
import test from 'ava';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import { createLogger } from '../../common/log/log.js';
import { functionSchema, type Pod } from '../../common/schema/index.js';
import { ActivityReporter } from '../../gateway/functions/activity-reporter.js';
import { FunctionInvoker } from '../../gateway/functions/function-invoker.js';
import { callOutcome } from '../../gateway/functions/function-metrics.js';
import { startMetricsServer } from '../../gateway/metrics-server.js';

test('an answer from the gateway is a gateway error, a 5xx from the function a function error, the rest no error', (t) => {
  t.deepEqual(callOutcome({ statusCode: 200 }), { code: '200' });
  t.deepEqual(callOutcome({ statusCode: 404 }), { code: '404' }, "the function's own 4xx is its answer, not a failure");
  t.deepEqual(callOutcome({ statusCode: 500 }), { code: '500', error: 'function' });
  t.deepEqual(callOutcome({ statusCode: 503, gatewayError: 'no instance within 60 s' }), { code: '503', error: 'gateway' });
});

// An instance of the function: a server on a loopback address of its own, on the runtime's port.
const INSTANCE_IP = '127.0.0.77';
const fn = functionSchema.parse({
  apiVersion: 'minik8s.io/v1',
  kind: 'Function',
  metadata: { name: 'metered', namespace: 'default' },
  spec: { source: 'f.py' },
});
const instancePod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'metered-1', namespace: 'default', labels: { [LABEL_FUNCTION]: 'metered' } },
  spec: { containers: [{ name: 'function', image: 'python:latest' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 1 },
  status: { phase: 'Running', podIP: INSTANCE_IP, conditions: [{ type: 'Ready', status: 'True' }] },
};

test('the gateway counts calls by code, errors, cold starts and durations per function, on a /metrics only the scrape token reads', async (t) => {
  const instance = createServer((req, res) => void res.writeHead(req.url === '/fail' ? 500 : 200).end('done'));
  instance.listen(8080, INSTANCE_IP);
  await once(instance, 'listening');
  t.teardown(() => instance.close());
  const log = createLogger('test');
  const invoker = new FunctionInvoker(
    (namespace, name) => (namespace === 'default' && name === 'metered' ? fn : undefined),
    new ActivityReporter({ request: <T>() => Promise.resolve(undefined as T) }, log),
  );
  t.teardown(() => invoker.close());
  const call = (url: string) => invoker.invoke({ callId: url, namespace: 'default', name: 'metered', method: 'GET', url, headers: {}, body: Buffer.alloc(0) });

  // No instance yet: the call waits (a cold start) until one is Ready.
  const first = call('/ok');
  setImmediate(() => invoker.pool.sync([instancePod]));
  t.is((await first).statusCode, 200);
  t.is((await call('/ok')).statusCode, 200);
  t.is((await call('/fail')).statusCode, 500);
  t.is(
    (await invoker.invoke({ callId: 'x', namespace: 'default', name: 'nope', method: 'GET', url: '/', headers: {}, body: Buffer.alloc(0) })).statusCode,
    404,
  );

  const metrics = await startMetricsServer({ address: '127.0.0.1', port: 0, token: 'scrape-token-0123456789', log });
  t.teardown(() => metrics.server.close());
  const url = `http://127.0.0.1:${metrics.port}/metrics`;
  t.is((await fetch(url)).status, 401);
  t.is((await fetch(url, { headers: { authorization: 'Bearer another-token-012345' } })).status, 401);
  const text = await (await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
  const fnLabels = 'namespace="default",function="metered"';
  t.true(text.includes(`minik8s_function_calls_total{${fnLabels},code="200"} 2`), text);
  t.true(text.includes(`minik8s_function_calls_total{${fnLabels},code="500"} 1`));
  t.true(text.includes(`minik8s_function_errors_total{${fnLabels},reason="function"} 1`));
  t.true(text.includes(`minik8s_function_cold_starts_total{${fnLabels}} 1`));
  t.true(text.includes(`minik8s_function_duration_seconds_count{${fnLabels}} 3`));
  t.false(text.includes('function="nope"'), 'a call for no function adds no series (names from the URL are not labels)');
  t.true(text.includes('process_cpu_seconds_total'), "the gateway process' own series");
});
