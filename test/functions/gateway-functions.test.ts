import test from 'ava';
import type { Pod } from '../../common/schema/index.js';
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
