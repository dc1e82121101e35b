/** The key-value contract the control plane keeps its state in: etcd in production, memory in unit tests. */

export interface KVEntry {
  key: string;
  value: string;
  modRevision: number;
  createRevision: number;
}

/**
 * One write in a transaction. `expectModRevision` guards it: 0 means "must not exist",
 * any other number means "must still be at that revision".
 */
export type KVOp = { type: 'put'; key: string; value: string; expectModRevision?: number } | { type: 'delete'; key: string; expectModRevision?: number };

export interface KVEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value for a put; the last value for a delete. */
  value: string | undefined;
  modRevision: number;
  /** Equal to modRevision when the put created the key. */
  createRevision: number;
}

export interface KVWatch {
  close(): Promise<void>;
}

export interface KV {
  get(key: string): Promise<KVEntry | undefined>;
  /** Every key under `prefix`, with the store revision the listing was read at. */
  list(prefix: string): Promise<{ entries: KVEntry[]; revision: number }>;
  /** Applies all ops atomically; `succeeded` is false (and nothing is written) when a guard failed. */
  commit(ops: KVOp[]): Promise<{ succeeded: boolean; revision: number }>;
  /** A key that disappears `ttlSeconds` after its last write (events, heartbeats). */
  putWithTtl(key: string, value: string, ttlSeconds: number): Promise<number>;
  /** Streams changes under `prefix` with revisions greater than `afterRevision`. */
  watch(prefix: string, afterRevision: number, onEvent: (e: KVEvent) => void, onError?: (err: Error) => void): Promise<KVWatch>;
  close(): Promise<void>;
}

/** etcd refuses transactions with more operations than this by default (--max-txn-ops). */
export const MAX_TXN_OPS = 128;
