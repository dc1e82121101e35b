import { isDeepStrictEqual } from 'node:util';
import type { Informer } from '../../common/client/informer.js';
import { WorkQueue } from '../../common/controller/work-queue.js';
import { type Endpoints, parseRefKey, type Pod, refKey, refOf, type Service } from '../../common/schema/index.js';
import { endpointSubsets, hasSelector, selectsPod } from '../services/endpoint-subsets.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../../common/log/log.js';

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
export class EndpointsController {
  readonly #deps: EndpointsControllerDeps;
  readonly #queue: WorkQueue;

  constructor(deps: EndpointsControllerDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue('endpoints', (key) => this.reconcile(key), deps.log);
    deps.services.onChange((e) => this.#queue.add(e.key));
    deps.endpoints.onChange((e) => this.#queue.add(serviceKey(e.object.metadata.namespace, e.object.metadata.name)));
    deps.pods.onChange((e) => this.#podChanged(e.object));
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Services that select the pod now, or list it among their endpoints still (its labels may have changed). */
  #podChanged(pod: Pod): void {
    const listed = (s: Service) =>
      this.#deps.endpoints
        .get(refKey({ ...refOf(s), kind: 'Endpoints' }))
        ?.subsets.some((sub) => sub.addresses.some((a) => a.targetRef?.name === pod.metadata.name && a.targetRef.namespace === pod.metadata.namespace));
    for (const s of this.#deps.services.list()) if (selectsPod(s, pod) || listed(s)) this.#queue.add(refKey(refOf(s)));
  }

  async reconcile(key: string): Promise<void> {
    const { store, services, pods, endpoints } = this.#deps;
    const { namespace = 'default', name } = parseRefKey(key);
    const ref = { kind: 'Endpoints' as const, namespace, name };
    const service = services.get(key);
    const current = endpoints.get(refKey(ref));
    if (!service) {
      if (current && controlledBy(current, {})) await store.delete(ref);
      return;
    }
    if (!hasSelector(service)) return;
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
    if (current && controlledBy(current, service.metadata) && isDeepStrictEqual(current.subsets, desired.subsets)) return;
    // A conflict (the cache was behind) is thrown and retried: the next try sees the object as it is.
    if (current) await store.update<Endpoints>({ ...desired, metadata: { ...desired.metadata, resourceVersion: current.metadata.resourceVersion } });
    else await store.create(desired);
    this.#deps.log.debug({ service: key, addresses: desired.subsets.reduce((n, s) => n + s.addresses.length, 0) }, 'endpoints written');
  }
}

