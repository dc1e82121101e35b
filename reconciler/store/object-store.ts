import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type ApiObject, type Kind, type ObjectOf, type ObjectRef, parseObjectOfKind, refKey, refOf, resourceTypes } from '../../common/schema/index.js';
import { type KV, type KVEntry, type KVOp, MAX_TXN_OPS } from './kv.js';
import { formatBytes, MAX_OBJECT_BYTES, MAX_TXN_BYTES } from './size-limits.js';
import { StoreError } from './store-error.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent<T extends ApiObject = ApiObject> {
  type: WatchEventType;
  object: T;
  revision: number;
}

/** One write of a batch. `resourceVersion` (when given) must still be current or the batch fails. */
export type Change = { type: 'put'; object: ApiObject; resourceVersion?: string } | { type: 'delete'; ref: ObjectRef; resourceVersion?: string };

const ROOT = '/registry/';

export function objectKey(ref: ObjectRef): string {
  const t = resourceTypes[ref.kind];
  return t.namespaced ? `${ROOT}${t.plural}/${ref.namespace ?? 'default'}/${ref.name}` : `${ROOT}${t.plural}/${ref.name}`;
}

export function kindPrefix(kind: Kind, namespace?: string): string {
  const t = resourceTypes[kind];
  return t.namespaced && namespace ? `${ROOT}${t.plural}/${namespace}/` : `${ROOT}${t.plural}/`;
}

/**
 * Server-assigned metadata never stored in the value: it is the etcd revision. An object over the
 * size limit is refused here, the one way into etcd, before etcd would refuse the request.
 */
function serialize(o: ApiObject): string {
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  const value = JSON.stringify({ ...o, metadata });
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_OBJECT_BYTES)
    throw new StoreError('TooLarge', `${refKey(refOf(o))} is ${formatBytes(bytes)}, over the limit of ${formatBytes(MAX_OBJECT_BYTES)} per object`);
  return value;
}

/** Splits ops into transactions within etcd's operation limit and the byte budget of one request. */
function chunkOps(ops: KVOp[]): KVOp[][] {
  const chunks: KVOp[][] = [];
  let current: KVOp[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = op.key.length + (op.type === 'put' ? Buffer.byteLength(op.value) : 0);
    if (current.length > 0 && (current.length >= MAX_TXN_OPS || bytes + size > MAX_TXN_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(op);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Typed objects on a KV. Values are validated when read (etcd is an edge like Git and HTTP),
 * and `metadata.resourceVersion` is the etcd mod revision, used for optimistic concurrency.
 */
export class ObjectStore {
  constructor(readonly kv: KV) {}

  decode<K extends Kind>(kind: K, value: string, modRevision: number): ObjectOf<K> {
    const parsed = parseObjectOfKind(kind, JSON.parse(value));
    if (!parsed.ok) throw new StoreError('Invalid', `stored ${kind} is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    parsed.object.metadata.resourceVersion = String(modRevision);
    return parsed.object;
  }

  #decodeEntry<K extends Kind>(kind: K, e: KVEntry): ObjectOf<K> {
    return this.decode(kind, e.value, e.modRevision);
  }

  async get<K extends Kind>(ref: ObjectRef & { kind: K }): Promise<ObjectOf<K> | undefined> {
    const e = await this.kv.get(objectKey(ref));
    return e && this.#decodeEntry(ref.kind, e);
  }

  async mustGet<K extends Kind>(ref: ObjectRef & { kind: K }): Promise<ObjectOf<K>> {
    const o = await this.get(ref);
    if (!o) throw new StoreError('NotFound', `${ref.kind.toLowerCase()} "${ref.name}" not found`);
    return o;
  }

  async list<K extends Kind>(kind: K, namespace?: string): Promise<{ items: ObjectOf<K>[]; revision: number }> {
    const { entries, revision } = await this.kv.list(kindPrefix(kind, namespace));
    return { items: entries.map((e) => this.#decodeEntry(kind, e)), revision };
  }

  /** Creates an object that must not exist yet; assigns uid, creationTimestamp and generation. */
  async create<T extends ApiObject>(object: T): Promise<T> {
    const stored = structuredClone(object);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    stored.metadata.generation = 1;
    const r = await this.kv.commit([{ type: 'put', key: objectKey(refOf(stored)), value: serialize(stored), expectModRevision: 0 }]);
    if (!r.succeeded) throw new StoreError('AlreadyExists', `${stored.kind.toLowerCase()} "${stored.metadata.name}" already exists`);
    stored.metadata.resourceVersion = String(r.revision);
    return stored;
  }

  /**
   * Replaces an existing object, guarded by its resourceVersion when set. Identity (uid, creation time)
   * is kept from the stored object and generation moves on when the spec changed.
   */
  async update<T extends ApiObject>(object: T): Promise<T> {
    const ref = refOf(object);
    const current = await this.mustGet(ref);
    const expected = object.metadata.resourceVersion ?? current.metadata.resourceVersion;
    if (expected !== current.metadata.resourceVersion) throw conflict(ref);
    const stored = withIdentityOf(current, object);
    const r = await this.kv.commit([{ type: 'put', key: objectKey(ref), value: serialize(stored), expectModRevision: Number(expected) }]);
    if (!r.succeeded) throw conflict(ref);
    stored.metadata.resourceVersion = String(r.revision);
    return stored;
  }

  /**
   * Replaces only `status`. With a `resourceVersion` the write is optimistic-concurrency checked like
   * any other (a Conflict when the object moved on); without one the writer owns the status, so it
   * re-reads on conflict and the last write wins.
   */
  async updateStatus<K extends Kind>(ref: ObjectRef & { kind: K }, status: unknown, resourceVersion?: string): Promise<ObjectOf<K>> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(ref);
      if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) throw conflict(ref);
      const next = { ...current, status } as ObjectOf<K>;
      const parsed = parseObjectOfKind(ref.kind, JSON.parse(serialize(next)));
      if (!parsed.ok) throw new StoreError('Invalid', parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      const r = await this.kv.commit([
        { type: 'put', key: objectKey(ref), value: serialize(parsed.object), expectModRevision: Number(current.metadata.resourceVersion) },
      ]);
      if (r.succeeded) {
        parsed.object.metadata.resourceVersion = String(r.revision);
        return parsed.object;
      }
      if (resourceVersion !== undefined || attempt >= 5) throw conflict(ref);
    }
  }

  async delete(ref: ObjectRef, resourceVersion?: string): Promise<boolean> {
    const key = objectKey(ref);
    const current = await this.kv.get(key);
    if (!current) return false;
    // Without a resourceVersion the caller means "whatever it is now": no guard, so a status write racing it can't fail it.
    const r = await this.kv.commit([{ type: 'delete', key, ...(resourceVersion !== undefined && { expectModRevision: Number(resourceVersion) }) }]);
    if (!r.succeeded) throw conflict(ref);
    return true;
  }

  /**
   * Applies a batch in transactions within etcd's operation and request-size limits: each chunk is
   * atomic, and a failed guard fails the whole call so the caller re-plans from fresh state.
   */
  async commit(changes: Change[]): Promise<number> {
    let revision = 0;
    const ops: KVOp[] = changes.map((c) => {
      const expectModRevision = c.resourceVersion === undefined ? undefined : Number(c.resourceVersion);
      return c.type === 'put'
        ? { type: 'put', key: objectKey(refOf(c.object)), value: serialize(c.object), ...(expectModRevision !== undefined && { expectModRevision }) }
        : { type: 'delete', key: objectKey(c.ref), ...(expectModRevision !== undefined && { expectModRevision }) };
    });
    for (const chunk of chunkOps(ops)) {
      const r = await this.kv.commit(chunk);
      if (!r.succeeded) throw new StoreError('Conflict', 'objects changed while the batch was planned; re-plan from fresh state');
      revision = r.revision;
    }
    return revision;
  }

  /** Streams changes of one kind after `afterRevision` (a list's revision), as the API's watch does. */
  async watch<K extends Kind>(
    kind: K,
    opts: { namespace?: string | undefined; afterRevision: number },
    onEvent: (e: WatchEvent<ObjectOf<K>>) => void,
    onError?: (err: Error) => void,
  ) {
    return this.kv.watch(
      kindPrefix(kind, opts.namespace),
      opts.afterRevision,
      (e) => {
        if (e.value === undefined) return;
        let object: ObjectOf<K>;
        try {
          object = this.decode(kind, e.value, e.modRevision);
        } catch (err) {
          // An invalid stored value must not throw inside the etcd client's callback (that would crash the process).
          onError?.(err as Error);
          return;
        }
        const type: WatchEventType = e.type === 'delete' ? 'DELETED' : e.createRevision === e.modRevision ? 'ADDED' : 'MODIFIED';
        onEvent({ type, object, revision: e.modRevision });
      },
      onError,
    );
  }
}

function conflict(ref: ObjectRef): StoreError {
  return new StoreError('Conflict', `${refKey(ref)} was modified concurrently; read it again and retry`);
}

function withIdentityOf<T extends ApiObject>(current: ApiObject, next: T): T {
  const stored = structuredClone(next);
  stored.metadata.uid = current.metadata.uid;
  stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
  const specChanged = 'spec' in current && 'spec' in stored && !isDeepStrictEqual(current.spec, stored.spec);
  stored.metadata.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  return stored;
}
