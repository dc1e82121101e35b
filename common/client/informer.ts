import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, type Logger } from '../log/log.js';
import { type Kind, type ObjectOf, refKey, refOf } from '../schema/index.js';
import type { ListWatchSource, WatchEventType } from './list-watch-source.js';

/** What changed in the cache. Handlers should only enqueue keys (`key`, or one derived from `object`, such as an owner's). */
export interface InformerEvent<T> {
  type: WatchEventType;
  key: string;
  /** The object as now cached; for DELETED, as it was last seen. Frozen: copy before changing. */
  object: T;
}

export interface InformerOptions {
  /** Watch one namespace; unset, all of them. */
  namespace?: string;
  log?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * A local, read-only cache of one kind kept current by list-then-watch. A watch that ends is resumed
 * from the last revision seen; a watch or list that fails is retried with a fresh list after a back-off,
 * and the cache is reconciled against that list (objects gone meanwhile are reported DELETED).
 */
export class Informer<K extends Kind> {
  readonly #source: ListWatchSource;
  readonly #kind: K;
  readonly #options: InformerOptions;
  readonly #log: Logger;
  readonly #cache = new Map<string, ObjectOf<K>>();
  readonly #handlers: ((e: InformerEvent<ObjectOf<K>>) => void)[] = [];
  #abort: AbortController | undefined;
  #synced = false;

  constructor(source: ListWatchSource, kind: K, options: InformerOptions = {}) {
    this.#source = source;
    this.#kind = kind;
    this.#options = options;
    this.#log = options.log ?? createLogger('informer', { kind });
  }

  /** Adds a handler; register before `start` to see the initial objects as ADDED. */
  onChange(handler: (e: InformerEvent<ObjectOf<K>>) => void): this {
    this.#handlers.push(handler);
    return this;
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (this.#abort) throw new Error('informer already started');
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    return new Promise((resolve) => void this.#run(signal, resolve));
  }

  stop(): void {
    this.#abort?.abort();
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The cached object under `refKey` (`Pod/default/web`). */
  get(key: string): ObjectOf<K> | undefined {
    return this.#cache.get(key);
  }

  list(): ObjectOf<K>[] {
    return [...this.#cache.values()];
  }

  async #run(signal: AbortSignal, onSynced: () => void): Promise<void> {
    const min = this.#options.minBackoffMs ?? 200;
    const max = this.#options.maxBackoffMs ?? 30_000;
    let backoff = min;
    const opts = { namespace: this.#options.namespace };
    while (!signal.aborted) {
      try {
        const list = await this.#source.list(this.#kind, opts);
        this.#replace(list.items);
        this.#synced = true;
        onSynced();
        backoff = min;
        let resourceVersion = list.resourceVersion;
        while (!signal.aborted) {
          for await (const e of this.#source.watch(this.#kind, { ...opts, resourceVersion }, signal)) {
            resourceVersion = e.object.metadata.resourceVersion ?? resourceVersion;
            this.#apply(e.type, e.object);
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        this.#log.warn({ err, retryInMs: backoff }, 'list/watch failed; listing again after back-off');
        await delay(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, max);
      }
    }
  }

  #apply(type: WatchEventType, object: ObjectOf<K>): void {
    const key = refKey(refOf(object));
    deepFreeze(object);
    if (type === 'DELETED') this.#cache.delete(key);
    else this.#cache.set(key, object);
    for (const h of this.#handlers) h({ type, key, object });
  }

  #replace(items: ObjectOf<K>[]): void {
    const listed = new Map(items.map((o) => [refKey(refOf(o)), o]));
    for (const [key, old] of this.#cache) if (!listed.has(key)) this.#apply('DELETED', old);
    for (const [key, o] of listed) {
      const old = this.#cache.get(key);
      if (!old) this.#apply('ADDED', o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.#apply('MODIFIED', o);
    }
  }
}
