import type { ApiObject, Deployment, Kind, LabelSelector, Node, ObjectOf, ReplicaSet } from '../../common/schema/index.js';
import { formatAge } from './age.js';
import { podReady, podRestarts, podStatus } from './pod-status.js';
import { endpointAddresses, endpointList } from './service-endpoints.js';
import { formatUsage, usageValues } from './usage.js';
import { executionColumns, workflowColumns } from './workflow-columns.js';

/** One table column: its header, how to read a cell, and whether it shows only with `-o wide`. */
export interface Column<T> {
  header: string;
  cell: (o: T, now: Date) => string;
  wide?: boolean;
  /** What the column shows, for the API's Table column definitions. */
  description?: string;
}

const name: Column<ApiObject> = { header: 'NAME', cell: (o) => o.metadata.name, description: 'Name must be unique within a namespace.' };
const age: Column<ApiObject> = {
  header: 'AGE',
  cell: (o, now) => formatAge(o.metadata.creationTimestamp, now),
  description: 'Time since the object was created.',
};
const orNone = (v: string | number | undefined): string => (v === undefined || v === '' ? '<none>' : String(v));

export function nodeStatus(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return n.spec.unschedulable ? `${status},SchedulingDisabled` : status;
}

export function nodeRoles(n: Node): string {
  const prefix = 'node-role.kubernetes.io/';
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  return roles.length ? roles.join(',') : '<none>';
}

export function nodeInternalIP(n: Node): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

function selectorText(labels: Record<string, string> | undefined): string {
  return orNone(
    Object.entries(labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  );
}

/** A label selector as kubectl prints it: `app=web,tier in (a,b),!canary`. */
export function labelSelectorText(selector: LabelSelector): string {
  const expressions = (selector.matchExpressions ?? []).map((e) =>
    e.operator === 'Exists'
      ? e.key
      : e.operator === 'DoesNotExist'
        ? `!${e.key}`
        : `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`,
  );
  return orNone([...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`), ...expressions].join(','));
}

/** `-o wide` for the kinds that run a pod template. */
const templateColumns: Column<ReplicaSet | Deployment>[] = [
  { header: 'CONTAINERS', cell: (o) => o.spec.template.spec.containers.map((c) => c.name).join(','), wide: true },
  { header: 'IMAGES', cell: (o) => o.spec.template.spec.containers.map((c) => c.image).join(','), wide: true },
  { header: 'SELECTOR', cell: (o) => labelSelectorText(o.spec.selector), wide: true },
];

/** The columns `mkctl get` and the API's Table answers (kubectl get) print per kind, between NAME and AGE (events have their own shape). */
const columns: { [K in Kind]: Column<ObjectOf<K>>[] } = {
  Pod: [
    { header: 'READY', cell: podReady },
    { header: 'STATUS', cell: podStatus },
    { header: 'RESTARTS', cell: (p) => String(podRestarts(p)) },
    { header: 'IP', cell: (p) => orNone(p.status?.podIP), wide: true },
    { header: 'NODE', cell: (p) => orNone(p.spec.nodeName), wide: true },
  ],
  Service: [
    { header: 'TYPE', cell: (s) => s.spec.type },
    { header: 'CLUSTER-IP', cell: (s) => orNone(s.spec.clusterIP) },
    { header: 'PORT(S)', cell: (s) => s.spec.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',') },
    { header: 'SELECTOR', cell: (s) => selectorText(s.spec.selector), wide: true },
  ],
  ReplicaSet: [
    { header: 'DESIRED', cell: (r) => String(r.spec.replicas) },
    { header: 'CURRENT', cell: (r) => String(r.status?.replicas ?? 0) },
    { header: 'READY', cell: (r) => String(r.status?.readyReplicas ?? 0) },
    ...templateColumns,
  ],
  Deployment: [
    { header: 'READY', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec.replicas}` },
    { header: 'UP-TO-DATE', cell: (d) => String(d.status?.updatedReplicas ?? 0) },
    { header: 'AVAILABLE', cell: (d) => String(d.status?.availableReplicas ?? 0) },
    ...templateColumns,
  ],
  HorizontalPodAutoscaler: [
    { header: 'REFERENCE', cell: (h) => `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}` },
    {
      header: 'TARGETS',
      cell: (h) =>
        orNone(
          (h.spec.metrics ?? [])
            .map(({ resource: { name: metric, target } }) => {
              const current = h.status?.currentMetrics?.find((m) => m.resource.name === metric)?.resource.current;
              return target.type === 'Utilization'
                ? `${metric}: ${current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}%`}/${target.averageUtilization}%`
                : `${metric}: ${current?.averageValue ?? '<unknown>'}/${target.averageValue}`;
            })
            .join(', '),
        ),
    },
    { header: 'MINPODS', cell: (h) => String(h.spec.minReplicas) },
    { header: 'MAXPODS', cell: (h) => String(h.spec.maxReplicas) },
    { header: 'REPLICAS', cell: (h) => String(h.status?.currentReplicas ?? 0) },
  ],
  DNS: [
    { header: 'HOST', cell: (d) => d.spec.host },
    { header: 'PATHS', cell: (d) => d.spec.paths.map((p) => `${p.path}→${p.service}:${p.port}`).join(',') },
  ],
  Workflow: workflowColumns,
  Execution: executionColumns,
  Function: [
    { header: 'READY', cell: (f) => `${f.status?.readyReplicas ?? 0}/${f.status?.replicas ?? 0}` },
    { header: 'INVOCATIONS', cell: (f) => String(f.status?.invocations ?? 0) },
    { header: 'LAST CALL', cell: (f, now) => (f.status?.lastInvocationTime ? `${formatAge(f.status.lastInvocationTime, now)} ago` : '<none>') },
    { header: 'REVISION', cell: (f) => orNone(f.status?.revision?.slice(0, 12)), wide: true },
    { header: 'SOURCE', cell: (f) => f.spec.source, wide: true },
  ],
  Endpoints: [{ header: 'ENDPOINTS', cell: (e) => endpointList(endpointAddresses(e)) }],
  Namespace: [{ header: 'STATUS', cell: (n) => (n.metadata.deletionTimestamp ? 'Terminating' : (n.status?.phase ?? 'Active')) }],
  Node: [
    { header: 'STATUS', cell: nodeStatus },
    { header: 'ROLES', cell: nodeRoles },
    { header: 'INTERNAL-IP', cell: (n) => orNone(nodeInternalIP(n)) },
  ],
  Event: [],
  NodeMetrics: [
    { header: 'CPU(cores)', cell: (m) => formatUsage('cpu', usageValues(m.usage).cpu) },
    { header: 'MEMORY(bytes)', cell: (m) => formatUsage('memory', usageValues(m.usage).memory) },
    { header: 'PODS', cell: (m) => String(m.pods.length) },
  ],
};

const eventColumns: Column<ObjectOf<'Event'>>[] = [
  { header: 'LAST SEEN', cell: (e, now) => formatAge(e.lastTimestamp ?? e.metadata.creationTimestamp, now) },
  { header: 'TYPE', cell: (e) => e.type },
  { header: 'REASON', cell: (e) => e.reason },
  { header: 'OBJECT', cell: (e) => `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}` },
  { header: 'MESSAGE', cell: (e) => e.message },
];

/** Every column of a kind's table, in order: NAME, the kind's own, AGE (wide ones only when asked). */
export function columnsFor(kind: Kind, wide: boolean): Column<ApiObject>[] {
  const own = (kind === 'Event' ? eventColumns : [name, ...(columns[kind] as Column<ApiObject>[]), age]) as Column<ApiObject>[];
  return own.filter((c) => wide || !c.wide);
}
