import test from 'ava';
import { pino } from 'pino';
import type { RuntimeEvent } from '../../node-agent/runtime/pod-runtime.js';
import { followRuntimeEvents } from '../../node-agent/runtime/runtime-events.js';
import { fakeTime } from '../helpers/fake-time.js';

const log = pino({ level: 'silent' });

/**
 * A fake runtime: each `watchEvents` call takes the next outcome — 'ok' subscribes (the test can then
 * fail the stream through `fail`), an Error rejects the subscription.
 */
function fakeRuntime(outcomes: Array<'ok' | Error>) {
  let calls = 0;
  let onError: ((err: Error) => void) | undefined;
  const runtime = {
    get calls() {
      return calls;
    },
    fail: (err = new Error('docker event stream ended')) => onError?.(err),
    async watchEvents(_onEvent: (e: RuntimeEvent) => void, failed: (err: Error) => void): Promise<() => void> {
      const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
      if (outcome instanceof Error) throw outcome;
      onError = failed;
      return () => (onError = undefined);
    },
  };
  return runtime;
}

function resubscribed() {
  let count = 0;
  let wake: () => void = () => undefined;
  return {
    onResubscribed: () => {
      count++;
      wake();
    },
    next: () => new Promise<void>((resolve) => (wake = resolve)),
    get count() {
      return count;
    },
  };
}

test('a failed first subscription is the caller’s error', async (t) => {
  const runtime = fakeRuntime([new Error('connect ENOENT docker.sock')]);
  await t.throwsAsync(followRuntimeEvents({ runtime, onEvent: () => undefined, onResubscribed: () => undefined, log }), { message: /ENOENT/ });
});

test('a stream that dies after a healthy while is resubscribed at once, and pods are looked at again', async (t) => {
  const runtime = fakeRuntime(['ok']);
  const time = fakeTime();
  const again = resubscribed();
  await followRuntimeEvents({ runtime, onEvent: () => undefined, onResubscribed: again.onResubscribed, log, ...time });
  time.advance(60_000);
  const next = again.next();
  runtime.fail();
  await next;
  t.is(runtime.calls, 2);
  t.deepEqual(time.slept, []);
  t.is(again.count, 1);
});

test('failed resubscriptions are retried with growing back-off until one works', async (t) => {
  const down = new Error('connect ECONNREFUSED');
  const runtime = fakeRuntime(['ok', down, down, down, 'ok']);
  const time = fakeTime();
  const again = resubscribed();
  await followRuntimeEvents({ runtime, onEvent: () => undefined, onResubscribed: again.onResubscribed, log, ...time });
  const next = again.next();
  runtime.fail();
  await next;
  t.is(runtime.calls, 5);
  t.deepEqual(time.slept, [500, 1000, 2000, 4000]);
  t.is(again.count, 1);
});

test('streams that keep dying young back off instead of spinning', async (t) => {
  const runtime = fakeRuntime(['ok']);
  const time = fakeTime();
  const again = resubscribed();
  await followRuntimeEvents({ runtime, onEvent: () => undefined, onResubscribed: again.onResubscribed, log, ...time });
  for (let i = 0; i < 3; i++) {
    const next = again.next();
    runtime.fail();
    await next;
  }
  t.deepEqual(time.slept, [500, 1000, 2000]);
});

test('after stop, a failing stream is not subscribed again', async (t) => {
  const runtime = fakeRuntime(['ok']);
  const events = await followRuntimeEvents({ runtime, onEvent: () => undefined, onResubscribed: () => t.fail(), log, ...fakeTime() });
  events.stop();
  runtime.fail();
  await Promise.resolve();
  t.is(runtime.calls, 1);
});
