import { histogram, secondsSince } from '../../common/metrics/registry.js';
import type { KV, KVEntry, KVEvent, KVOp, KVWatch } from './kv.js';

const latency = histogram({
  name: 'etcd_request_duration_seconds',
  help: 'etcd request latency by operation (get, list, commit, put_with_ttl, watch) and type (the resource plural, e.g. pods).',
  labelNames: ['operation', 'type'],
});

/** `/registry/pods/default/web` → `pods`; other keys (sync status, IP claims) by their first segment. */
export function keyType(key: string): string {
  const parts = key.split('/').filter(Boolean);
  return (parts[0] === 'registry' ? parts[1] : parts[0]) ?? '';
}

/** A KV that times every call, as the Kubernetes apiserver's `etcd_request_duration_seconds`. */
export class InstrumentedKV implements KV {
  constructor(readonly inner: KV) {}

  async #timed<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await call();
    } finally {
      latency.observe({ operation, type: keyType(key) }, secondsSince(start));
    }
  }

  get(key: string): Promise<KVEntry | undefined> {
    return this.#timed('get', key, () => this.inner.get(key));
  }

  list(prefix: string): Promise<{ entries: KVEntry[]; revision: number }> {
    return this.#timed('list', prefix, () => this.inner.list(prefix));
  }

  commit(ops: KVOp[]): Promise<{ succeeded: boolean; revision: number }> {
    return this.#timed('commit', ops[0]?.key ?? '', () => this.inner.commit(ops));
  }

  putWithTtl(key: string, value: string, ttlSeconds: number): Promise<number> {
    return this.#timed('put_with_ttl', key, () => this.inner.putWithTtl(key, value, ttlSeconds));
  }

  watch(prefix: string, afterRevision: number, onEvent: (e: KVEvent) => void, onError?: (err: Error) => void): Promise<KVWatch> {
    return this.#timed('watch', prefix, () => this.inner.watch(prefix, afterRevision, onEvent, onError));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
