import type { ApiObject, Collection } from './api.js';
import { age, h } from './dom.js';

type Cell = (o: ApiObject) => Node | string;

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const str = (o: unknown, path: string) => String(get(o, path) ?? '');

export const nodeReady = (n: ApiObject) =>
  ((get(n, 'status.conditions') as Array<{ type: string; status: string }> | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const podReady = (p: ApiObject) => {
  const statuses = (get(p, 'status.containerStatuses') as Array<{ ready?: boolean }> | undefined) ?? [];
  return `${statuses.filter((s) => s.ready).length}/${((get(p, 'spec.containers') as unknown[]) ?? []).length}`;
};
const restarts = (p: ApiObject) =>
  String(((get(p, 'status.containerStatuses') as Array<{ restartCount?: number }> | undefined) ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0));
const podLink = (p: ApiObject) => h('a', { href: `#/pods/${p.metadata.namespace ?? 'default'}/${p.metadata.name}` }, p.metadata.name);
const ports = (s: ApiObject) =>
  ((get(s, 'spec.ports') as Array<{ port: number; nodePort?: number; protocol?: string }> | undefined) ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');

/** The columns of each table, as mkctl get prints them. */
export const COLUMNS: Record<Exclude<Collection, 'events'>, Array<[string, Cell]>> = {
  nodes: [
    ['NAME', (n) => n.metadata.name],
    ['STATUS', (n) => (nodeReady(n) ? 'Ready' : 'NotReady') + (get(n, 'spec.unschedulable') ? ',SchedulingDisabled' : '')],
    [
      'INTERNAL-IP',
      (n) => ((get(n, 'status.addresses') as Array<{ type: string; address: string }> | undefined) ?? []).find((a) => a.type === 'InternalIP')?.address ?? '',
    ],
    ['POD CIDR', (n) => str(n, 'spec.podCIDR')],
    ['CPU', (n) => str(n, 'status.capacity.cpu')],
    ['AGE', (n) => age(n.metadata.creationTimestamp)],
  ],
  pods: [
    ['NAMESPACE', (p) => p.metadata.namespace ?? 'default'],
    ['NAME', podLink],
    ['READY', podReady],
    ['STATUS', (p) => str(p, 'status.phase') || 'Pending'],
    ['RESTARTS', restarts],
    ['IP', (p) => str(p, 'status.podIP')],
    ['NODE', (p) => str(p, 'spec.nodeName')],
    ['AGE', (p) => age(p.metadata.creationTimestamp)],
  ],
  services: [
    ['NAMESPACE', (s) => s.metadata.namespace ?? 'default'],
    ['NAME', (s) => s.metadata.name],
    ['TYPE', (s) => str(s, 'spec.type') || 'ClusterIP'],
    ['CLUSTER-IP', (s) => str(s, 'spec.clusterIP')],
    ['PORTS', ports],
    ['AGE', (s) => age(s.metadata.creationTimestamp)],
  ],
  deployments: [
    ['NAMESPACE', (d) => d.metadata.namespace ?? 'default'],
    ['NAME', (d) => d.metadata.name],
    ['READY', (d) => `${str(d, 'status.readyReplicas') || 0}/${str(d, 'spec.replicas') || 1}`],
    ['UP-TO-DATE', (d) => str(d, 'status.updatedReplicas') || '0'],
    ['AVAILABLE', (d) => str(d, 'status.availableReplicas') || '0'],
    ['AGE', (d) => age(d.metadata.creationTimestamp)],
  ],
  functions: [
    ['NAMESPACE', (f) => f.metadata.namespace ?? 'default'],
    ['NAME', (f) => f.metadata.name],
    ['STATUS', (f) => str(f, 'status.phase') || str(f, 'status.conditions.0.reason')],
    ['AGE', (f) => age(f.metadata.creationTimestamp)],
  ],
};
