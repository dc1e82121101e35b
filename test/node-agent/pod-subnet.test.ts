import { Writable } from 'node:stream';
import test from 'ava';
import { pino } from 'pino';
import type { Node } from '../../common/schema/index.js';
import { type PodSubnetDeps, waitForPodSubnet } from '../../node-agent/node/pod-subnet.js';
import { fakeTime } from '../helpers/fake-time.js';

const node = (podCIDR?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-2', resourceVersion: '7' },
  spec: podCIDR ? { podCIDR } : {},
});

/** A logger that keeps its lines, for asserting on what the agent said. */
function capturingLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** A fake Node API: `get` answers from `reads` in turn (the last one repeats); watches end at once, or fail. */
function fakeApi(reads: Array<Node | Error>, watchFails = false): PodSubnetDeps['api'] & { gets: number } {
  const api = {
    gets: 0,
    async get() {
      const r = reads[Math.min(api.gets++, reads.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
    // biome-ignore lint/correctness/useYield: a watch that ends (or fails) without an event
    async *watch() {
      if (watchFails) throw new Error('connection refused');
    },
  };
  return api as unknown as PodSubnetDeps['api'] & { gets: number };
}

test('takes the subnet the control plane allocated', async (t) => {
  const { log } = capturingLog();
  t.is(await waitForPodSubnet({ api: fakeApi([node('10.244.2.0/24')]), nodeName: 'node-2', configured: '10.244.9.0/24', log }), '10.244.2.0/24');
});

test('takes the configured subnet when none is allocated and the config names one', async (t) => {
  const { log } = capturingLog();
  t.is(await waitForPodSubnet({ api: fakeApi([node()]), nodeName: 'node-2', configured: '10.244.9.0/24', log }), '10.244.9.0/24');
});

test('without one, waits for the allocation (never node-1 subnet) and says so every 10 s', async (t) => {
  const { log, lines } = capturingLog();
  const time = fakeTime();
  const api = fakeApi([node(), node(), node(), node(), node(), node(), node('10.244.2.0/24')]);
  const got = await waitForPodSubnet({ api, nodeName: 'node-2', log, ...time, warnEveryMs: 10_000 });
  t.is(got, '10.244.2.0/24');
  t.is(api.gets, 7);
  const errors = lines.filter((l) => l.level === 50);
  t.true(errors.length >= 1);
  t.regex(errors[0]!.msg, /node node-2 has no pod subnet yet: waiting for the control plane/);
});

test('retries failed reads and watches with growing back-off', async (t) => {
  const { log, lines } = capturingLog();
  const time = fakeTime();
  const api = fakeApi([new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), node(), node('10.244.3.0/24')], true);
  t.is(await waitForPodSubnet({ api, nodeName: 'node-2', log, ...time }), '10.244.3.0/24');
  t.deepEqual(time.slept, [500, 1000, 2000]);
  t.true(lines.some((l) => l.msg === 'could not read this node to learn its pod subnet'));
  t.true(lines.some((l) => l.msg === 'watching this node for its pod subnet failed'));
});
