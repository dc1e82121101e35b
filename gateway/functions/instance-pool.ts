import { LABEL_FUNCTION, RUNTIME_PORT } from '../../common/functions/function-labels.js';
import type { Pod } from '../../common/schema/index.js';

/** One instance of a function the gateway can send calls to. */
export interface Instance {
  pod: string;
  address: string;
  inFlight: number;
  /** When it first showed up here: a fresh instance may refuse connections for a moment while it starts. */
  seenAt: number;
}

/** A call that found every instance busy (or none at all) waits in line. */
interface Waiter {
  resolve(i: Instance): void;
  reject(err: Error): void;
}

export class NoInstanceError extends Error {
  override name = 'NoInstanceError';
}

/** `namespace/name` of the function a pod is an instance of, when it is one that can take calls. */
function instanceOf(pod: Pod): { key: string; address: string } | undefined {
  const name = pod.metadata.labels?.[LABEL_FUNCTION];
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (!name || !ready || !pod.status?.podIP || pod.metadata.deletionTimestamp) return undefined;
  return { key: `${pod.metadata.namespace ?? 'default'}/${name}`, address: `${pod.status.podIP}:${RUNTIME_PORT}` };
}

/**
 * The activator's view of the instances: which Ready pods serve each function, how many calls each has in
 * flight, and the calls waiting for room. A call takes the least busy instance below the function's
 * concurrency, or waits — at zero instances until the autoscaler's first instance is Ready (the cold start).
 */
export class InstancePool {
  readonly #instances = new Map<string, Map<string, Instance>>();
  readonly #waiters = new Map<string, Waiter[]>();
  constructor(readonly concurrencyOf: (key: string) => number) {}

  /** Takes the pods as they are now (the informer's list); instances keep their in-flight counts. */
  sync(pods: readonly Pod[], now = Date.now()): void {
    const next = new Map<string, Map<string, Instance>>();
    for (const pod of pods) {
      const i = instanceOf(pod);
      if (!i) continue;
      const known = this.#instances.get(i.key)?.get(pod.metadata.name);
      const map = next.get(i.key) ?? new Map<string, Instance>();
      map.set(pod.metadata.name, known && known.address === i.address ? known : { pod: pod.metadata.name, address: i.address, inFlight: 0, seenAt: now });
      next.set(i.key, map);
    }
    this.#instances.clear();
    for (const [k, v] of next) this.#instances.set(k, v);
    for (const key of this.#waiters.keys()) this.#drain(key);
  }

  instances(key: string): Instance[] {
    return [...(this.#instances.get(key)?.values() ?? [])];
  }

  queued(key: string): number {
    return this.#waiters.get(key)?.length ?? 0;
  }

  /** An instance with room for one more call now, if there is one (its call is counted on it). */
  tryAcquire(key: string): Instance | undefined {
    const free = this.#free(key);
    if (free) free.inFlight++;
    return free;
  }

  /** Waits in line for an instance with room (one freeing up or starting); rejects after `timeoutMs`. */
  acquire(key: string, timeoutMs: number): Promise<Instance> {
    const free = this.tryAcquire(key);
    if (free) return Promise.resolve(free);
    return new Promise<Instance>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (i) => {
          clearTimeout(timer);
          resolve(i);
        },
        reject,
      };
      const timer = setTimeout(() => {
        const line = this.#waiters.get(key) ?? [];
        const at = line.indexOf(waiter);
        if (at >= 0) line.splice(at, 1);
        reject(new NoInstanceError(`no instance of ${key} could take the call within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const line = this.#waiters.get(key) ?? [];
      line.push(waiter);
      this.#waiters.set(key, line);
    });
  }

  release(key: string, instance: Instance): void {
    instance.inFlight = Math.max(0, instance.inFlight - 1);
    this.#drain(key);
  }

  #free(key: string): Instance | undefined {
    const limit = this.concurrencyOf(key);
    let best: Instance | undefined;
    for (const i of this.#instances.get(key)?.values() ?? []) if (i.inFlight < limit && (!best || i.inFlight < best.inFlight)) best = i;
    return best;
  }

  #drain(key: string): void {
    const line = this.#waiters.get(key);
    while (line && line.length > 0) {
      const free = this.#free(key);
      if (!free) break;
      free.inFlight++;
      line.shift()!.resolve(free);
    }
    if (line && line.length === 0) this.#waiters.delete(key);
  }
}
