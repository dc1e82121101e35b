import { isDeepStrictEqual } from 'node:util';
import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { type Endpoints, type Pod, refKey, refOf, type Service } from '../../common/schema/index.js';
import { storeEventRecorder } from '../api/events.js';
import { endpointSubsets, hasSelector, selectsPod } from '../services/endpoint-subsets.js';
import type { ObjectStore } from '../store/object-store.js';

export interface EndpointsControllerDeps {
  store: ObjectStore;
  services: Informer<'Service'>;
  pods: Informer<'Pod'>;
  endpoints: Informer<'Endpoints'>;
  log: Logger;
}

const serviceKey = (namespace: string | undefined, name: string) => refKey({ kind: 'Service', namespace, name });

/** Endpoints this controller wrote carry the service as their controller, so it only removes its own. */
function controlledBy(endpoints: Endpoints, service: { uid?: string | undefined }): boolean {
  return endpoints.metadata.ownerReferences?.some((r) => r.controller && r.kind === 'Service' && (service.uid === undefined || r.uid === service.uid)) ?? false;
}

/**
 * Keeps each service's Endpoints (same name) equal to the addresses of the Ready pods its selector
 * picks, with named target ports resolved per pod. Services without a selector are left to whoever
 * writes their Endpoints; the Endpoints of a deleted service go with it. Keys are services'.
 */
export class EndpointsController extends Controller<'Service'> {
  readonly #deps: EndpointsControllerDeps;

  constructor(deps: EndpointsControllerDeps) {
    super('Service', 'endpoints', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.watch(deps.services);
    this.watch(deps.endpoints, (e) => serviceKey(e.object.metadata.namespace, e.object.metadata.name));
    this.watch(deps.pods, (e) => this.#servicesOf(e.object));
  }

  /** Services that select the pod now, or list it among their endpoints still (its labels may have changed). */
  #servicesOf(pod: Pod): string[] {
    const listed = (s: Service) =>
      this.#deps.endpoints
        .get(refKey({ ...refOf(s), kind: 'Endpoints' }))
        ?.subsets.some((sub) => sub.addresses.some((a) => a.targetRef?.name === pod.metadata.name && a.targetRef.namespace === pod.metadata.namespace));
    return this.#deps.services
      .list()
      .filter((s) => selectsPod(s, pod) || listed(s))
      .map((s) => refKey(refOf(s)));
  }

  /** From the cache: the endpoints are computed from the pod cache, and a service as current as those pods is what they must match. */
  protected async read(ref: KindRef<'Service'>): Promise<Service | undefined> {
    return this.#deps.services.get(refKey(ref));
  }

  protected async sync(serviceRef: KindRef<'Service'>, service: Service | undefined, key: string): Promise<ReconcileResult> {
    const { store, pods, endpoints } = this.#deps;
    const { namespace = 'default', name } = serviceRef;
    const ref = { kind: 'Endpoints' as const, namespace, name };
    const current = endpoints.get(refKey(ref));
    if (!service) {
      if (current && controlledBy(current, {})) await store.delete(ref);
      return {};
    }
    if (!hasSelector(service)) return {};
    const desired: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid ?? '', controller: true }],
      },
      subsets: endpointSubsets(service, pods.list()),
    };
    if (current && controlledBy(current, service.metadata) && isDeepStrictEqual(current.subsets, desired.subsets)) return {};
    // A conflict (the cache was behind) is thrown and retried by the queue: the next try sees the object as it is.
    if (current) await store.update<Endpoints>({ ...desired, metadata: { ...desired.metadata, resourceVersion: current.metadata.resourceVersion } });
    else await store.create(desired);
    this.#deps.log.debug({ service: key, addresses: desired.subsets.reduce((n, s) => n + s.addresses.length, 0) }, 'endpoints written');
    return {};
  }
}
