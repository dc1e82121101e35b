import { PassThrough } from 'node:stream';
import test from 'ava';
import type Dockerode from 'dockerode';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { eventLineSplitter, runtimeEventOf } from '../../node-agent/runtime/docker-observed.js';
import { DockerRuntime } from '../../node-agent/runtime/docker-runtime.js';
import type { RuntimeEvent } from '../../node-agent/runtime/pod-runtime.js';

const labels = { [LABELS.podNamespace]: 'shop', [LABELS.podName]: 'web', [LABELS.podUid]: 'u1' };
const die = `${JSON.stringify({ Action: 'die', Actor: { Attributes: labels } })}\n`;

test('lines that span chunks, even inside a UTF-8 character, come out whole', (t) => {
  const split = eventLineSplitter();
  const bytes = Buffer.from(`{"Action":"die","x":"é"}\n{"Action":"start"}\n`);
  const cut = bytes.indexOf(0xa9); // the second byte of é
  t.deepEqual(split(bytes.subarray(0, cut)), []);
  t.deepEqual(split(bytes.subarray(cut)), ['{"Action":"die","x":"é"}', '{"Action":"start"}']);
});

test('a line that is not a JSON object is no event', (t) => {
  t.is(runtimeEventOf('{"Action":"di'), undefined);
  t.is(runtimeEventOf('null'), undefined);
  t.is(runtimeEventOf('[1]'), undefined);
  t.deepEqual(runtimeEventOf('{"Action":7}'), { namespace: '', name: '', uid: '', action: '' });
});

test('a bad line in the event stream is skipped: no exception, and the next events still arrive', async (t) => {
  const stream = new PassThrough();
  const docker = { getEvents: async () => stream } as unknown as Dockerode;
  const runtime = new DockerRuntime(docker, { nodeName: 'node-1', stateDir: '/tmp' });
  const events: RuntimeEvent[] = [];
  const errors: Error[] = [];
  const stop = await runtime.watchEvents(
    (e) => events.push(e),
    (err) => errors.push(err),
  );
  t.teardown(stop);
  const arrived = new Promise<void>((resolve) => stream.on('data', () => setImmediate(resolve)));
  stream.write(`not json at all\n{"Action":\n${die}`);
  await arrived;
  t.deepEqual(events, [{ namespace: 'shop', name: 'web', uid: 'u1', action: 'die' }]);
  t.deepEqual(errors, []);
});
