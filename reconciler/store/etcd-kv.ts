import { readFileSync } from 'node:fs';
import { ConsecutiveBreaker, circuitBreaker, ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { ComparatorBuilder, Etcd3, GRPCResourceExhastedError, type IKeyValue, isRecoverableError, type Namespace } from 'etcd3';
import { type KV, type KVEntry, type KVEvent, type KVOp, type KVWatch, MAX_TXN_OPS } from './kv.js';
import { StoreError } from './store-error.js';

function entryOf(kv: IKeyValue): KVEntry {
  return { key: kv.key.toString(), value: kv.value.toString(), modRevision: Number(kv.mod_revision), createRevision: Number(kv.create_revision) };
}

/** etcd refused the request for its size: the same request will be refused again, whoever retries it. */
export function isRequestTooLarge(err: unknown): boolean {
  return err instanceof GRPCResourceExhastedError || (err instanceof Error && /request is too large|message larger than max/i.test(err.message));
}

/** A failure worth retrying and counting against the server: the client's recoverable errors, less the request's own fault. */
const transient = (err: Error) => isRecoverableError(err) && !isRequestTooLarge(err);

/**
 * The etcd client's own fault handling (a per-host circuit breaker and a retry, as by default), except
 * that an oversized request is neither retried nor counted: one bad write must not open the breaker
 * and fail every other call of the API for seconds. An open breaker tries etcd again after 250 ms,
 * doubling while it stays down (to 5 s): the client's fixed 5 s kept the API failing for 5 s after a
 * crashed etcd was back within one.
 */
const faultHandling = {
  host: () =>
    circuitBreaker(handleWhen(transient), {
      halfOpenAfter: new ExponentialBackoff({ initialDelay: 250, maxDelay: 5000 }),
      breaker: new ConsecutiveBreaker(3),
    }),
  global: retry(handleWhen(transient), { maxAttempts: 3 }),
};

/** The control plane's client certificate for etcd and the CA etcd's serving certificate comes from (cluster.json's etcdTls). */
export interface EtcdTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * KV on a real etcd, optionally under a key prefix (tests use one prefix each on a shared etcd), over
 * client-certificate TLS when `tls` is given (etcd refuses clients without a certificate from its CA).
 */
export class EtcdKV implements KV {
  readonly #client: Etcd3;
  readonly #ns: Namespace;
  readonly #leases = new Map<number, { lease: ReturnType<Namespace['lease']>; grantedAt: number }>();
  /** Open watches: etcd3 re-dials a watch left open for ever, even past close(), which keeps the process alive. */
  readonly #watches = new Set<{ cancel(): Promise<void> }>();
  #closed = false;

  constructor(endpoints: string[], prefix = '', tls?: EtcdTlsFiles) {
    const credentials = tls && { rootCertificate: readFileSync(tls.caFile), certChain: readFileSync(tls.certFile), privateKey: readFileSync(tls.keyFile) };
    this.#client = new Etcd3({ hosts: endpoints, dialTimeout: 3000, faultHandling, ...(credentials && { credentials }) });
    this.#ns = prefix ? this.#client.namespace(prefix) : this.#client;
  }

  async get(key: string): Promise<KVEntry | undefined> {
    const r = await this.#ns.get(key).exec();
    const kv = r.kvs[0];
    return kv && entryOf(kv);
  }

  async list(prefix: string): Promise<{ entries: KVEntry[]; revision: number }> {
    const r = await this.#ns.getAll().prefix(prefix).exec();
    return { entries: r.kvs.map(entryOf), revision: Number(r.header.revision) };
  }

  async commit(ops: KVOp[]): Promise<{ succeeded: boolean; revision: number }> {
    if (ops.length > MAX_TXN_OPS) throw new Error(`transaction of ${ops.length} operations exceeds etcd's limit of ${MAX_TXN_OPS}`);
    // ComparatorBuilder is the public transaction builder; Namespace keeps its kv client and prefix applicator internal.
    const internals = this.#ns as unknown as {
      kv: ConstructorParameters<typeof ComparatorBuilder>[0];
      nsApplicator: ConstructorParameters<typeof ComparatorBuilder>[1];
    };
    const txn = new ComparatorBuilder(internals.kv, internals.nsApplicator);
    for (const op of ops) if (op.expectModRevision !== undefined) txn.and(op.key, 'Mod', '==', op.expectModRevision);
    txn.then(...ops.map((op) => (op.type === 'put' ? this.#ns.put(op.key).value(op.value) : this.#ns.delete().key(op.key))));
    const r = await txn.commit().catch((err: unknown) => {
      if (isRequestTooLarge(err)) throw new StoreError('TooLarge', `etcd refused the write as too large: ${(err as Error).message}`, { cause: err });
      throw err;
    });
    return { succeeded: r.succeeded, revision: Number(r.header.revision) };
  }

  async putWithTtl(key: string, value: string, ttlSeconds: number): Promise<number> {
    // Keys written with one TTL share a lease for half that TTL, so a burst of writes costs one grant
    // and every key lives between ttl/2 and ttl.
    let held = this.#leases.get(ttlSeconds);
    if (!held || held.lease.revoked() || Date.now() - held.grantedAt > (ttlSeconds * 1000) / 2) {
      held = { lease: this.#ns.lease(ttlSeconds, { autoKeepAlive: false }), grantedAt: Date.now() };
      this.#leases.set(ttlSeconds, held);
    }
    const r = await held.lease.put(key).value(value).exec();
    return Number(r.header.revision);
  }

  async watch(prefix: string, afterRevision: number, onEvent: (e: KVEvent) => void, onError?: (err: Error) => void): Promise<KVWatch> {
    if (this.#closed) throw new Error('the etcd client is closed');
    // Not the builder's create(): a watch whose creation fails stays attached there and is re-dialled for ever.
    const watcher = this.#ns
      .watch()
      .prefix(prefix)
      .withPreviousKV()
      .startRevision(String(afterRevision + 1))
      .watcher();
    this.#watches.add(watcher);
    // Attached before the creation is confirmed: etcd may send the first events in the same read as its answer, and
    // a handler attached after an await would miss them (a lost ADDED is an object nobody ever reconciles).
    watcher.on('put', (kv) =>
      onEvent({
        type: 'put',
        key: kv.key.toString(),
        value: kv.value.toString(),
        modRevision: Number(kv.mod_revision),
        createRevision: Number(kv.create_revision),
      }),
    );
    watcher.on('delete', (kv, prev) =>
      onEvent({
        type: 'delete',
        key: kv.key.toString(),
        value: prev?.value.toString(),
        modRevision: Number(kv.mod_revision),
        createRevision: Number(prev?.create_revision ?? 0),
      }),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const settle = (err?: Error) => {
          watcher.off('connected', connected).off('error', settle);
          if (err) reject(err);
          else resolve();
        };
        const connected = () => settle();
        watcher.once('connected', connected).once('error', settle);
      });
    } catch (err) {
      this.#watches.delete(watcher);
      await watcher.cancel().catch(() => undefined);
      throw err;
    }
    if (onError) watcher.on('error', onError);
    return {
      close: () => {
        this.#watches.delete(watcher);
        return watcher.cancel();
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    // Bounded: a cancel waits for etcd's answer, and etcd may be the thing that is gone.
    const bound = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([Promise.allSettled([...this.#watches].map((w) => w.cancel())), bound]);
    this.#watches.clear();
    this.#client.close();
  }
}
