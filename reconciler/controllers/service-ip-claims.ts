import type { KV } from '../store/kv.js';

/** The service an address belongs to; the uid tells a service from a later one of the same name. */
export interface ClaimHolder {
  namespace: string;
  name: string;
  uid: string;
}

interface Claim {
  holder: ClaimHolder;
  modRevision: number;
}

const PREFIX = '/minik8s/service-addresses/';

/**
 * Who holds each service address: one etcd key per address, in the manner of Kubernetes' IPAddress
 * objects. A claim is only created where none exists, so two services never get the same address,
 * and it outlives restarts, so the first to ask keeps it. The service IP controller is its only
 * writer, so a copy in memory answers "is it free?" without a read per candidate.
 */
export class ServiceIPClaims {
  readonly #kv: KV;
  #claims: Map<string, Claim> | undefined;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Reads every claim once; the other methods need it done. */
  async load(): Promise<void> {
    if (this.#claims) return;
    const { entries } = await this.#kv.list(PREFIX);
    this.#claims = new Map(entries.map((e) => [e.key.slice(PREFIX.length), { holder: JSON.parse(e.value) as ClaimHolder, modRevision: e.modRevision }]));
  }

  #loaded(): Map<string, Claim> {
    if (!this.#claims) throw new Error('service address claims not loaded');
    return this.#claims;
  }

  holder(key: string): ClaimHolder | undefined {
    return this.#loaded().get(key)?.holder;
  }

  /**
   * Claims `key` for `holder` where it is free, or where `replacing` (a holder found stale) has it.
   * Returns who holds it afterwards: `holder`, or whoever had it first.
   */
  async claim(key: string, holder: ClaimHolder, replacing?: ClaimHolder): Promise<ClaimHolder> {
    const claims = this.#loaded();
    const current = claims.get(key);
    if (current && current.holder.uid !== holder.uid && current.holder.uid !== replacing?.uid) return current.holder;
    if (current?.holder.uid === holder.uid) return holder;
    const r = await this.#kv.commit([{ type: 'put', key: PREFIX + key, value: JSON.stringify(holder), expectModRevision: current?.modRevision ?? 0 }]);
    if (r.succeeded) {
      claims.set(key, { holder, modRevision: r.revision });
      return holder;
    }
    await this.#reread(key);
    throw new Error(`claim of ${key} changed meanwhile; retrying`);
  }

  /** Gives the address back if `uid` still holds it. */
  async release(key: string, uid: string): Promise<void> {
    const claims = this.#loaded();
    const current = claims.get(key);
    if (current?.holder.uid !== uid) return;
    const r = await this.#kv.commit([{ type: 'delete', key: PREFIX + key, expectModRevision: current.modRevision }]);
    if (r.succeeded) claims.delete(key);
    else {
      await this.#reread(key);
      throw new Error(`claim of ${key} changed meanwhile; retrying`);
    }
  }

  /** The keys held under a service's name, by whichever service of that name. */
  heldBy(namespace: string, name: string): { key: string; holder: ClaimHolder }[] {
    return [...this.#loaded()].filter(([, c]) => c.holder.namespace === namespace && c.holder.name === name).map(([key, c]) => ({ key, holder: c.holder }));
  }

  async #reread(key: string): Promise<void> {
    const e = await this.#kv.get(PREFIX + key);
    if (e) this.#loaded().set(key, { holder: JSON.parse(e.value) as ClaimHolder, modRevision: e.modRevision });
    else this.#loaded().delete(key);
  }
}
