import test from 'ava';
import { ExecFrameDecoder, ExecFrameType, encodeFrame, exitFrame } from '../../common/client/exec-frames.js';
import { channelMessageOf, execFrameOf } from '../../common/client/k8s-exec-channels.js';
import { jsonPatch, mergePatch, patchTypeOf } from '../../reconciler/api/merge-patch.js';

const frameOf = (bytes: Buffer) => new ExecFrameDecoder().push(bytes)[0]!;

test('agent output becomes channel messages, and the exit a Status on the error channel', (t) => {
  t.deepEqual(channelMessageOf(frameOf(encodeFrame(ExecFrameType.stdout, 'hi'))), Buffer.from([1, ...Buffer.from('hi')]));
  t.deepEqual(channelMessageOf(frameOf(encodeFrame(ExecFrameType.stderr, 'oops'))), Buffer.from([2, ...Buffer.from('oops')]));
  const ok = channelMessageOf(frameOf(exitFrame(0)))!;
  t.is(ok[0], 3);
  t.deepEqual(JSON.parse(ok.subarray(1).toString()), { metadata: {}, status: 'Success' });
  const failed = JSON.parse(
    channelMessageOf(frameOf(exitFrame(3)))!
      .subarray(1)
      .toString(),
  ) as { reason: string; details: { causes: { message: string }[] } };
  t.is(failed.reason, 'NonZeroExitCode');
  t.is(failed.details.causes[0]!.message, '3');
});

test('client messages become agent frames: stdin, resize, and v5 closing stdin', (t) => {
  t.deepEqual(execFrameOf(Buffer.from([0, ...Buffer.from('ls\n')])), encodeFrame(ExecFrameType.stdin, 'ls\n'));
  t.deepEqual(frameOf(execFrameOf(Buffer.from([4, ...Buffer.from('{"Width":120,"Height":40}')]))!).payload.toString(), '{"cols":120,"rows":40}');
  t.deepEqual(execFrameOf(Buffer.from([255, 0])), encodeFrame(ExecFrameType.stdinEnd));
  t.is(execFrameOf(Buffer.from([0])), undefined);
});

test('merge patches replace lists, drop strategic directives and delete nulls; JSON patches follow RFC 6902', (t) => {
  const node = { spec: { unschedulable: true, taints: [1, 2] }, metadata: { name: 'n' } };
  t.deepEqual(mergePatch(node, { spec: { unschedulable: null, taints: [3] }, $setElementOrder: [] }), { spec: { taints: [3] }, metadata: { name: 'n' } });
  t.deepEqual(
    jsonPatch(node, [
      { op: 'replace', path: '/spec/taints/0', value: 9 },
      { op: 'add', path: '/spec/taints/-', value: 4 },
      { op: 'remove', path: '/spec/unschedulable' },
    ]),
    {
      spec: { taints: [9, 2, 4] },
      metadata: { name: 'n' },
    },
  );
  t.throws(() => jsonPatch(node, [{ op: 'test', path: '/metadata/name', value: 'x' }]), { message: /JSON patch test failed/ });
  t.is(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8'), 'strategic');
  t.throws(() => patchTypeOf('text/plain'), { message: /the body of a PATCH must be/ });
});
