import { ipToNumber } from '../../common/net/address-ranges.js';
import type { Endpoints, Pod, Service } from '../../common/schema/index.js';

type Subset = Endpoints['subsets'][number];
type EndpointPort = Subset['ports'][number];

/** A pod that may take traffic: Ready, with an address, and not on its way out. */
export function isServingPod(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp || !pod.status?.podIP) return false;
  if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') return false;
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Whether the endpoints controller manages the service's Endpoints. An empty selector counts as none:
 * such services' Endpoints are written by whoever owns them (the gateway writes its own).
 */
export function hasSelector(service: Service): service is Service & { spec: { selector: Record<string, string> } } {
  return Object.keys(service.spec.selector ?? {}).length > 0;
}

export function selectsPod(service: Service, pod: Pod): boolean {
  if (!hasSelector(service) || (pod.metadata.namespace ?? 'default') !== (service.metadata.namespace ?? 'default')) return false;
  return Object.entries(service.spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

/** The service's ports as this pod serves them: a named targetPort is looked up in its containers, and left out where it has none. */
function podPorts(service: Service, pod: Pod): EndpointPort[] {
  const containerPorts = pod.spec.containers.flatMap((c) => c.ports ?? []);
  return service.spec.ports.flatMap((p) => {
    const target = p.targetPort ?? p.port;
    const port = typeof target === 'number' ? target : containerPorts.find((c) => c.name === target && c.protocol === p.protocol)?.containerPort;
    return port === undefined ? [] : [{ ...(p.name !== undefined && { name: p.name }), port, protocol: p.protocol }];
  });
}

/**
 * The Endpoints subsets of a service: its serving pods, grouped by the ports they resolve to (pods
 * whose named ports differ land in different subsets, as in Kubernetes). Sorted, so equal inputs
 * give equal output and an unchanged service is not rewritten.
 */
export function endpointSubsets(service: Service, pods: readonly Pod[]): Subset[] {
  const groups = new Map<string, Subset>();
  for (const pod of pods) {
    if (!selectsPod(service, pod) || !isServingPod(pod)) continue;
    const ports = podPorts(service, pod);
    if (ports.length === 0) continue;
    const key = JSON.stringify(ports);
    const subset = groups.get(key) ?? { addresses: [], ports };
    groups.set(key, subset);
    subset.addresses.push({
      ip: pod.status!.podIP!,
      ...(pod.spec.nodeName && { nodeName: pod.spec.nodeName }),
      targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default' },
    });
  }
  const byIp = (a: { ip: string }, b: { ip: string }) => ipToNumber(a.ip) - ipToNumber(b.ip);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => ({ addresses: s.addresses.sort(byIp), ports: s.ports }));
}
