import type { Endpoints, Pod, Service } from '../../common/schema/index.js';
import { makePod } from '../helpers/fixtures.js';

/** A ClusterIP service on port 80 selecting `app: NAME`, with overrides of its spec. */
export function makeService(name: string, spec: Partial<Service['spec']> = {}, namespace = 'default'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }], ...spec },
  };
}

/** A running pod with labels, an IP and a Ready condition (True unless `ready: false`). */
export function makeServingPod(
  name: string,
  labels: Record<string, string>,
  podIP: string,
  opts: { ready?: boolean; nodeName?: string; ports?: { name: string; containerPort: number }[] } = {},
): Pod {
  const pod = makePod(name, { nodeName: opts.nodeName ?? 'node-1' });
  pod.metadata.labels = labels;
  if (opts.ports) pod.spec.containers[0]!.ports = opts.ports.map((p) => ({ ...p, protocol: 'TCP' as const }));
  pod.status = { phase: 'Running', podIP, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] };
  return pod;
}

/** Endpoints of one subset: the addresses behind the ports. */
export function makeEndpoints(name: string, ips: string[], ports: Endpoints['subsets'][number]['ports'], namespace = 'default'): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets: ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports }] : [] };
}
