import { type KV, type KVEntry, type KVEvent, type KVOp, type KVWatch, MAX_TXN_OPS } from './kv.js';

/** KV in memory with etcd's revision semantics, for unit tests of logic that sits on a store. */
export class MemoryKV implements KV {
  #revision = 0;
  readonly #data = new Map<string, KVEntry & { expiresAt?: number }>();
  readonly #history: KVEvent[] = [];
  readonly #watchers = new Set<{ prefix: string; onEvent: (e: KVEvent) => void }>();

  async get(key: string): Promise<KVEntry | undefined> {
    return this.#live(key);
  }

  async list(prefix: string): Promise<{ entries: KVEntry[]; revision: number }> {
    const entries = [...this.#data.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .flatMap((k) => this.#live(k) ?? []);
    return { entries, revision: this.#revision };
  }

  async commit(ops: KVOp[]): Promise<{ succeeded: boolean; revision: number }> {
    if (ops.length > MAX_TXN_OPS) throw new Error(`transaction of ${ops.length} operations exceeds etcd's limit of ${MAX_TXN_OPS}`);
    const guardsHold = ops.every((op) => op.expectModRevision === undefined || (this.#live(op.key)?.modRevision ?? 0) === op.expectModRevision);
    if (!guardsHold) return { succeeded: false, revision: this.#revision };
    if (ops.length === 0) return { succeeded: true, revision: this.#revision };
    const revision = ++this.#revision;
    for (const op of ops) this.#apply(op, revision);
    return { succeeded: true, revision };
  }

  async putWithTtl(key: string, value: string, ttlSeconds: number): Promise<number> {
    const revision = ++this.#revision;
    this.#apply({ type: 'put', key, value }, revision);
    this.#data.get(key)!.expiresAt = Date.now() + ttlSeconds * 1000;
    return revision;
  }

  async watch(prefix: string, afterRevision: number, onEvent: (e: KVEvent) => void): Promise<KVWatch> {
    for (const e of this.#history) if (e.modRevision > afterRevision && e.key.startsWith(prefix)) onEvent(e);
    const w = { prefix, onEvent };
    this.#watchers.add(w);
    return { close: async () => void this.#watchers.delete(w) };
  }

  async close(): Promise<void> {
    this.#watchers.clear();
  }

  #live(key: string): KVEntry | undefined {
    const e = this.#data.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt < Date.now()) return undefined;
    return e && { key: e.key, value: e.value, modRevision: e.modRevision, createRevision: e.createRevision };
  }

  #apply(op: KVOp, revision: number): void {
    const prev = this.#live(op.key);
    let event: KVEvent;
    if (op.type === 'put') {
      const createRevision = prev?.createRevision ?? revision;
      this.#data.set(op.key, { key: op.key, value: op.value, modRevision: revision, createRevision });
      event = { type: 'put', key: op.key, value: op.value, modRevision: revision, createRevision };
    } else {
      if (!prev) return;
      this.#data.delete(op.key);
      event = { type: 'delete', key: op.key, value: prev.value, modRevision: revision, createRevision: prev.createRevision };
    }
    this.#history.push(event);
    for (const w of this.#watchers) if (op.key.startsWith(w.prefix)) w.onEvent(event);
  }
}
