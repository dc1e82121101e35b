import { isDeepStrictEqual } from 'node:util';
import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { type NumberRange, numberToIp, pickFree, serviceIPRanges } from '../../common/net/address-ranges.js';
import { type Condition, refKey, refOf, SERVICE_ADDRESSES_CONDITION, type Service, serviceAddressesRefused } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import { addressKey, describeAddress, outOfRange, type ServiceAddress, type ServiceNetwork, specAddresses } from '../services/service-addresses.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { type ClaimHolder, ServiceIPClaims } from './service-ip-claims.js';

const SOURCE = { component: 'service-ip-allocator' };

type ProblemReason =
  | 'ClusterIPAlreadyAllocated'
  | 'NodePortAlreadyAllocated'
  | 'ClusterIPNotInRange'
  | 'NodePortNotInRange'
  | 'ClusterIPRangeFull'
  | 'NodePortRangeFull';
interface Problem {
  reason: ProblemReason;
  message: string;
}

export interface ServiceIPControllerDeps {
  store: ObjectStore;
  services: Informer<'Service'>;
  network: ServiceNetwork;
  log: Logger;
  random?: () => number;
}

/**
 * Gives each service its cluster IP and, for NodePort services, node ports, written into the spec
 * (Git sync keeps them, see sync/cluster-assigned.ts). Addresses a manifest asks for are honoured when
 * free; one another service holds is refused with a Warning event and a False AddressesAllocated
 * condition, never silently replaced. Who holds what is kept in ServiceIPClaims.
 */
export class ServiceIPController extends Controller<'Service'> {
  readonly #deps: ServiceIPControllerDeps;
  readonly #claims: ServiceIPClaims;
  readonly #dynamicIPs: NumberRange;

  constructor(deps: ServiceIPControllerDeps) {
    super('Service', 'service-ip', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.#claims = new ServiceIPClaims(deps.store.kv);
    this.#dynamicIPs = serviceIPRanges(deps.network.serviceCIDR, deps.network.reservedIPs).dynamic;
    this.watch(deps.services, (e) => [
      e.key,
      // Any other change may free what a refused service asks for.
      ...(e.type === 'ADDED'
        ? []
        : deps.services
            .list()
            .filter(serviceAddressesRefused)
            .map((s) => refKey(refOf(s)))),
    ]);
  }

  protected async read(ref: KindRef<'Service'>): Promise<Service | undefined> {
    // The claims first: what this reconcile decides must rest on claims no older than the service.
    await this.#claims.load();
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'Service'>, service: Service | undefined, key: string): Promise<ReconcileResult> {
    const { store } = this.#deps;
    const { namespace = 'default', name } = ref;
    if (!service) {
      for (const c of this.#claims.heldBy(namespace, name)) await this.#claims.release(c.key, c.holder.uid);
      return {};
    }
    const holder: ClaimHolder = { namespace, name, uid: service.metadata.uid ?? '' };
    const problems: Problem[] = [];
    for (const a of specAddresses(service)) {
      const notInRange = outOfRange(a, this.#deps.network);
      if (notInRange) problems.push({ reason: a.type === 'clusterIP' ? 'ClusterIPNotInRange' : 'NodePortNotInRange', message: notInRange });
      else {
        const owner = await this.#claimOrTakeOver(addressKey(a), holder);
        if (owner.uid !== holder.uid)
          problems.push({
            reason: a.type === 'clusterIP' ? 'ClusterIPAlreadyAllocated' : 'NodePortAlreadyAllocated',
            message: `${describeAddress(a)} is already allocated to service ${owner.namespace}/${owner.name}`,
          });
      }
    }
    const spec = await this.#allocateMissing(service, holder, problems);
    const status = withAllocationCondition(service, problems, new Date().toISOString());
    let stored = service;
    if (!isDeepStrictEqual(spec, service.spec) || status !== service.status) {
      try {
        stored = await store.update<Service>({ ...service, spec, ...(status && { status }) });
      } catch (err) {
        // Deleted since it was read: its DELETED event brings the key back, and that reconcile gives back
        // the claims just made. (A conflict is retried by the queue, which keeps the claims it still names.)
        if (isStoreError(err, 'NotFound')) return {};
        throw err;
      }
      if (!isDeepStrictEqual(spec, service.spec)) this.#deps.log.info({ service: key, clusterIP: spec.clusterIP }, 'allocated service addresses');
    }
    const kept = new Set(specAddresses(stored).map(addressKey));
    for (const c of this.#claims.heldBy(namespace, name)) if (!kept.has(c.key) || c.holder.uid !== holder.uid) await this.#claims.release(c.key, c.holder.uid);
    for (const p of problems) await recordEvent(store, stored, 'Warning', p.reason, p.message, SOURCE);
    return {};
  }

  /** Claims the address, taking it over from a holder that is gone or no longer names it. */
  async #claimOrTakeOver(key: string, holder: ClaimHolder): Promise<ClaimHolder> {
    const owner = await this.#claims.claim(key, holder);
    if (owner.uid === holder.uid) return owner;
    const current = await this.#deps.store.get({ kind: 'Service', namespace: owner.namespace, name: owner.name });
    const stale = !current || current.metadata.uid !== owner.uid || !specAddresses(current).some((a) => addressKey(a) === key);
    return stale ? this.#claims.claim(key, holder, owner) : owner;
  }

  /** The spec with a cluster IP and node ports wherever it has none yet, each claimed first. */
  async #allocateMissing(service: Service, holder: ClaimHolder, problems: Problem[]): Promise<Service['spec']> {
    const spec = structuredClone(service.spec);
    // Addresses other manifests name but whose services are not reconciled yet are not handed out either.
    const named = new Set(this.#deps.services.list().flatMap((s) => specAddresses(s).map(addressKey)));
    const allocate = async (range: NumberRange, address: (n: number) => ServiceAddress) => {
      const n = pickFree(range, (x) => named.has(addressKey(address(x))) || this.#claims.holder(addressKey(address(x))) !== undefined, this.#deps.random);
      if (n !== undefined) await this.#claims.claim(addressKey(address(n)), holder);
      return n;
    };
    if (!spec.clusterIP) {
      const n = await allocate(this.#dynamicIPs, (x) => ({ type: 'clusterIP', ip: numberToIp(x) }));
      if (n === undefined) problems.push({ reason: 'ClusterIPRangeFull', message: `no free cluster IP left in ${this.#deps.network.serviceCIDR}` });
      else spec.clusterIP = numberToIp(n);
    }
    if (spec.type !== 'NodePort') return spec;
    for (const port of spec.ports) {
      if (port.nodePort !== undefined) continue;
      const n = await allocate(this.#deps.network.nodePorts, (x) => ({ type: 'nodePort', protocol: port.protocol, port: x }));
      if (n === undefined) problems.push({ reason: 'NodePortRangeFull', message: `no free ${port.protocol} node port left` });
      else port.nodePort = n;
    }
    return spec;
  }
}

/** The status with the AddressesAllocated condition for these problems: False with them, absent without. The same object when nothing changed. */
export function withAllocationCondition(service: Service, problems: readonly Problem[], now: string): Service['status'] {
  const conditions = service.status?.conditions ?? [];
  const previous = conditions.find((c) => c.type === SERVICE_ADDRESSES_CONDITION);
  const others = conditions.filter((c) => c !== previous);
  if (problems.length === 0) return previous ? { ...service.status, conditions: others } : service.status;
  const next: Condition = {
    type: SERVICE_ADDRESSES_CONDITION,
    status: 'False',
    reason: problems[0]!.reason,
    message: problems.map((p) => p.message).join('; '),
  };
  if (previous?.status === next.status && previous.reason === next.reason && previous.message === next.message) return service.status;
  return { ...service.status, conditions: [...others, { ...next, lastTransitionTime: now }] };
}
