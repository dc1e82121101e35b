import { createServer } from 'node:http';
import test from 'ava';
import { checkCaller, invokeTokenSha256 } from '../../common/functions/function-token.js';
import type { FunctionObject, Pod } from '../../common/schema/index.js';
import { FunctionInvoker } from '../../gateway/functions/function-invoker.js';
import { parseFunctionPath } from '../../gateway/functions/function-path.js';
import { InstancePool } from '../../gateway/functions/instance-pool.js';

const exists = (ns: string, name: string) => ns === 'team' && name === 'resize';

test('function paths: default namespace, a namespace when NS/NAME is a function, the rest and the query for the function', (t) => {
  t.deepEqual(parseFunctionPath('/function/hello', exists), { kind: 'call', namespace: 'default', name: 'hello', url: '/' });
  t.deepEqual(parseFunctionPath('/function/hello/a/b?x=1', exists), { kind: 'call', namespace: 'default', name: 'hello', url: '/a/b?x=1' });
  t.deepEqual(parseFunctionPath('/function/team/resize/big', exists), { kind: 'call', namespace: 'team', name: 'resize', url: '/big' });
  t.deepEqual(parseFunctionPath('/async-function/hello?q', exists), { kind: 'async', namespace: 'default', name: 'hello', url: '/?q' });
  t.deepEqual(parseFunctionPath('/function-calls/abc', exists), { kind: 'result', callId: 'abc' });
  t.deepEqual(parseFunctionPath('/functions/x', exists), { kind: 'none' });
  t.deepEqual(parseFunctionPath('/function/', exists), { kind: 'none' });
});

const pod = (name: string, ip: string, ready = true): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { 'minik8s.io/function': 'hello' } },
  spec: { containers: [{ name: 'function', image: 'python:latest' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 2 },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('the pool sends a call to the least busy instance below the concurrency, and holds calls at zero until one is Ready', async (t) => {
  const pool = new InstancePool(() => 2);
  const waiting = pool.acquire('default/hello', 5000);
  t.is(pool.queued('default/hello'), 1);
  pool.sync([pod('a', '10.244.1.2', false)]);
  t.is(pool.queued('default/hello'), 1, 'a pod that is not Ready takes no calls');
  pool.sync([pod('a', '10.244.1.2')]);
  const first = await waiting;
  t.is(first.address, '10.244.1.2:8080');
  pool.sync([pod('a', '10.244.1.2'), pod('b', '10.244.2.2')]);
  t.is(pool.tryAcquire('default/hello')?.pod, 'b');
  t.is(pool.tryAcquire('default/hello')?.inFlight, 2);
  t.is(pool.tryAcquire('default/hello')?.inFlight, 2);
  t.is(pool.tryAcquire('default/hello'), undefined, 'both instances are full');
  const next = pool.acquire('default/hello', 5000);
  pool.release('default/hello', first);
  t.is((await next).pod, 'a');
});

test('a call that waits too long is refused', async (t) => {
  const pool = new InstancePool(() => 1);
  await t.throwsAsync(pool.acquire('default/hello', 20), { name: 'NoInstanceError' });
  t.is(pool.queued('default/hello'), 0);
});

const fnWith = (spec: Partial<FunctionObject['spec']>, tokenSha?: string): FunctionObject => ({
  apiVersion: 'minik8s.io/v1',
  kind: 'Function',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    source: 'functions/hello/',
    handler: 'handler.py',
    runtime: 'python3',
    timeoutSeconds: 30,
    concurrency: 10,
    scale: { minScale: 0, maxScale: 10, scaleToZeroAfterSeconds: 60 },
    triggers: [],
    ...spec,
  },
  ...(tokenSha && { status: { invokeTokenSha256: tokenSha } }),
});

test('a private function takes only callers with its invoke token; a public one takes anyone', (t) => {
  const token = 'function.default/hello.abc';
  const fn = fnWith({}, invokeTokenSha256(token));
  t.true(checkCaller(fn, `Bearer ${token}`).allowed);
  t.true(checkCaller(fn, `bearer ${token}`).allowed, 'the scheme is case-insensitive');
  t.false(checkCaller(fn, undefined).allowed);
  t.false(checkCaller(fn, `Bearer ${token}x`).allowed);
  t.false(checkCaller(fn, `Basic ${token}`).allowed);
  t.false(checkCaller(fnWith({}), `Bearer ${token}`).allowed, 'no token in the status yet: nobody');
  t.true(checkCaller(fnWith({ public: true }), undefined).allowed);
});

test('a call past the function timeout answers 504 from the gateway when the instance does not answer in time', async (t) => {
  // An instance that takes calls and never answers: the pool's address is the pod IP and the runtime's port.
  const server = createServer(() => undefined);
  const ip = '127.18.0.7';
  await new Promise<void>((resolve) => server.listen(8080, ip, resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const fn = fnWith({ timeoutSeconds: 1 });
  const counts = { begin: () => undefined, end: () => undefined, queue: () => undefined, dequeue: () => undefined };
  const invoker = new FunctionInvoker(() => fn, counts, 200);
  t.teardown(() => invoker.close());
  invoker.pool.sync([pod('a', ip)]);
  const started = Date.now();
  const r = await invoker.invoke({ callId: 'c1', namespace: 'default', name: 'hello', method: 'GET', url: '/', headers: {}, body: Buffer.alloc(0) });
  t.is(r.statusCode, 504, r.body.toString());
  t.like(JSON.parse(r.body.toString()), { error: 'Timeout' });
  t.true(Date.now() - started < 5000);
  t.is(invoker.pool.instances('default/hello')[0]?.inFlight, 0, 'the instance is free again');
});
