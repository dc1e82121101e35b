import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../common/log/log.js';
import { backOffDelayMs } from '../pods/pod-actions.js';
import type { PodRuntime, RuntimeEvent } from './pod-runtime.js';

export interface RuntimeEventsDeps {
  runtime: Pick<PodRuntime, 'watchEvents'>;
  onEvent: (e: RuntimeEvent) => void;
  /** After a resubscription: whatever happened while the stream was down is to be looked at now. */
  onResubscribed: () => void;
  log: Logger;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RuntimeEvents {
  stop(): void;
}

const RETRY = { baseMs: 500, maxMs: 30_000 };
/** A stream that lived this long was healthy: its failure is retried at once, not after a back-off. */
const HEALTHY_MS = 10_000;

/**
 * Follows the runtime's container events for as long as it runs. The first subscription is the caller's
 * to fail (the agent does not start without it); after that, a stream that fails or ends is subscribed
 * again — at once when it had been up a while, with growing back-off (0.5 s doubling to 30 s) while
 * subscribing fails or streams keep dying young (a restarting dockerd) — and `onResubscribed` runs.
 */
export async function followRuntimeEvents(deps: RuntimeEventsDeps): Promise<RuntimeEvents> {
  const { runtime, onEvent, log } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  let stopped = false;
  let stopStream: (() => void) | undefined;
  let subscribedAt = clock();
  let failures = 0;

  const onError = (err: Error): void => {
    if (stopped) return;
    stopStream?.();
    stopStream = undefined;
    failures = clock() - subscribedAt >= HEALTHY_MS ? 0 : failures + 1;
    log.warn({ err: err.message }, 'docker event stream failed; resubscribing');
    void resubscribe();
  };

  const resubscribe = async (): Promise<void> => {
    while (!stopped) {
      const waitMs = backOffDelayMs(RETRY, failures);
      if (waitMs > 0) await sleep(waitMs);
      if (stopped) return;
      try {
        const stop = await runtime.watchEvents(onEvent, onError);
        subscribedAt = clock();
        if (stopped) return stop();
        stopStream = stop;
        log.info('resubscribed to docker events');
        deps.onResubscribed();
        return;
      } catch (err) {
        failures++;
        log.warn({ err: (err as Error).message, retryInMs: backOffDelayMs(RETRY, failures) }, 'could not subscribe to docker events; retrying');
      }
    }
  };

  stopStream = await runtime.watchEvents(onEvent, onError);
  return {
    stop() {
      stopped = true;
      stopStream?.();
      stopStream = undefined;
    },
  };
}
