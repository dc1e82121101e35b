import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { FunctionSourcePayload } from '../../common/functions/function-source-api.js';
import { createLogger } from '../../common/log/log.js';
import { FunctionCode, REVISION_FILE } from '../../node-agent/functions/function-code.js';
import { FunctionActivity } from '../../reconciler/functions/function-activity.js';

const payload = (oid: string, text: string): FunctionSourcePayload => ({
  revision: `rev-${oid}`,
  oid,
  files: [
    { path: 'handler.py', content: Buffer.from(text).toString('base64') },
    { path: 'lib/util.py', content: '' },
  ],
});

test('function code: fetched on first use, swapped by renaming a relative link, the version before kept', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'minik8s-fncode-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  let serving = payload('a1', 'v1');
  let fetches = 0;
  const code = new FunctionCode({ root, fetch: async () => (fetches++, serving), log: createLogger('test') });
  const dir = await code.ensure('default', 'hello');
  t.is(await readlink(join(dir, 'current')), 'a1');
  t.is(await readFile(join(dir, 'current', 'handler.py'), 'utf8'), 'v1');
  t.deepEqual(JSON.parse(await readFile(join(dir, 'current', REVISION_FILE), 'utf8')), { revision: 'rev-a1', oid: 'a1' });
  await code.ensure('default', 'hello');
  t.is(fetches, 1, 'a second pod of the function mounts what is there');

  await code.refresh('default', 'hello', 'a1');
  t.is(fetches, 1, 'the version in force is not fetched again');
  serving = payload('b2', 'v2');
  await code.refresh('default', 'hello', 'b2');
  t.is(await readFile(join(dir, 'current', 'handler.py'), 'utf8'), 'v2');
  serving = payload('c3', 'v3');
  await code.refresh('default', 'hello', 'c3');
  t.deepEqual((await readdir(dir)).sort(), ['b2', 'c3', 'current']);
  await code.refresh('default', 'other', 'c3');
  t.deepEqual(await code.known(), ['default/hello'], 'code is only kept for functions this node runs');
});

test('function code: a file path that leaves the folder is refused', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'minik8s-fncode-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const code = new FunctionCode({
    root,
    fetch: async () => ({ revision: 'r', oid: 'x', files: [{ path: '../../escape.py', content: '' }] }),
    log: createLogger('test'),
  });
  await t.throwsAsync(code.ensure('default', 'evil'), { message: /leaves its folder/ });
});

test('activity: a call waiting wakes the controller once, served calls are counted once per reporter', (t) => {
  const activity = new FunctionActivity(3000);
  const woken: string[] = [];
  activity.onDemand((k) => woken.push(k));
  const entry = { namespace: 'default', name: 'hello', inFlight: 1, queued: 0, served: 0 };
  activity.report('gw1', [entry], 1000);
  activity.report('gw1', [{ ...entry, served: 4 }], 1500);
  t.deepEqual(woken, ['Function/default/hello']);
  t.like(activity.take('Function/default/hello', 2000), { concurrency: 1, served: 4 });
  activity.report('gw1', [{ ...entry, inFlight: 0, served: 6 }], 2500);
  t.like(activity.take('Function/default/hello', 3000), { concurrency: 0, served: 2 });
  activity.report('gw2', [{ ...entry, inFlight: 0, served: 1 }], 3500);
  t.is(activity.take('Function/default/hello', 4000).served, 1, 'a restarted gateway counts from 0');
  t.is(activity.take('Function/default/hello', 9000).concurrency, 0, 'a stale report counts as no calls');
});
