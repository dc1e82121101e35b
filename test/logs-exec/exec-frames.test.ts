import test from 'ava';
import { ExecFrameDecoder, ExecFrameError, ExecFrameType, encodeFrame, exitFrame, framePayloadJson, resizeFrame } from '../../common/client/exec-frames.js';

test('a frame is its type, its length and its payload', (t) => {
  t.deepEqual([...encodeFrame(ExecFrameType.stderr, 'hi')], [2, 0, 0, 0, 2, 0x68, 0x69]);
  t.deepEqual([...encodeFrame(ExecFrameType.stdinEnd)], [5, 0, 0, 0, 0]);
});

test('decodes frames split at any byte, in order', (t) => {
  const wire = Buffer.concat([encodeFrame(ExecFrameType.stdout, 'out\n'), encodeFrame(ExecFrameType.stderr, 'err\n'), exitFrame(3)]);
  for (let cut = 0; cut <= wire.length; cut++) {
    const decoder = new ExecFrameDecoder();
    const frames = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
    t.deepEqual(
      frames.map((f) => [f.type, f.payload.toString()]),
      [
        [ExecFrameType.stdout, 'out\n'],
        [ExecFrameType.stderr, 'err\n'],
        [ExecFrameType.exit, '{"exitCode":3}'],
      ],
    );
    t.true(decoder.atBoundary);
  }
});

test('holds a partial frame until the rest arrives', (t) => {
  const decoder = new ExecFrameDecoder();
  t.deepEqual(decoder.push(encodeFrame(ExecFrameType.stdout, 'abcdef').subarray(0, 7)), []);
  t.false(decoder.atBoundary);
});

test('exit and resize frames carry JSON', (t) => {
  const [exit] = new ExecFrameDecoder().push(exitFrame(127));
  t.deepEqual(framePayloadJson(exit!), { exitCode: 127 });
  const [resize] = new ExecFrameDecoder().push(resizeFrame(80, 24));
  t.is(resize!.type, ExecFrameType.resize);
  t.deepEqual(framePayloadJson(resize!), { cols: 80, rows: 24 });
});

test('refuses an unknown frame type', (t) => {
  t.throws(() => new ExecFrameDecoder().push(Buffer.from([9, 0, 0, 0, 0])), { instanceOf: ExecFrameError, message: /unknown exec frame type 9/ });
});
