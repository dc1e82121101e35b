import { kinds, resourceType } from '../../common/schema/index.js';

/** One resource as discovery lists it (Kubernetes' `APIResource`). */
export interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** For a subresource of another group's kind (pods/eviction is a policy/v1 Eviction). */
  group?: string;
  version?: string;
}

/** Verbs a kind takes: those whose spec comes from Git are read-only (a write is refused with "commit instead"). */
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/** Kinds `kubectl get all` shows, as in Kubernetes' `all` category. */
const ALL_CATEGORY = new Set(['Pod', 'Service', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler']);

/**
 * Resources served beside the kinds of the schema registry: subresources, and read-only views built
 * from other kinds (metrics from the agents' NodeMetrics, node leases from their heartbeats).
 */
const EXTRA: Record<string, ApiResource[]> = {
  v1: [
    { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'pods/eviction', singularName: '', namespaced: true, kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'nodes/status', singularName: '', namespaced: false, kind: 'Node', verbs: ['get', 'patch', 'update'] },
  ],
  'apps/v1': [
    { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    { name: 'deployments/scale', singularName: '', namespaced: true, kind: 'Scale', verbs: ['get'] },
    { name: 'replicasets/status', singularName: '', namespaced: true, kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] },
    { name: 'replicasets/scale', singularName: '', namespaced: true, kind: 'Scale', verbs: ['get'] },
  ],
  'autoscaling/v2': [
    { name: 'horizontalpodautoscalers/status', singularName: '', namespaced: true, kind: 'HorizontalPodAutoscaler', verbs: ['get', 'patch', 'update'] },
  ],
  'metrics.k8s.io/v1beta1': [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
  'coordination.k8s.io/v1': [{ name: 'leases', singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ['get', 'list'] }],
};

/** Every group version served and its resources: the kinds of the schema registry, then the extras. */
export function apiResourceLists(): Map<string, ApiResource[]> {
  const lists = new Map<string, ApiResource[]>();
  for (const kind of kinds) {
    const t = resourceType(kind);
    const resources = lists.get(t.apiVersion) ?? [];
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind,
      verbs: t.fromGit ? READ : [...READ, ...WRITE],
      ...(t.shortNames.length > 0 && { shortNames: [...t.shortNames] }),
      ...(ALL_CATEGORY.has(kind) && { categories: ['all'] }),
    });
    lists.set(t.apiVersion, resources);
  }
  for (const [gv, extra] of Object.entries(EXTRA)) lists.set(gv, [...(lists.get(gv) ?? []), ...extra]);
  return lists;
}

const splitGroupVersion = (gv: string) => (gv.includes('/') ? (gv.split('/') as [string, string]) : (['', gv] as const));

/** `GET /api`: the core group's versions. */
export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `GET /apis`: every named group, one version each. */
export function apiGroupList() {
  const groups = [...apiResourceLists().keys()]
    .map(splitGroupVersion)
    .filter(([group]) => group !== '')
    .map(([group, version]) => ({
      name: group,
      versions: [{ groupVersion: `${group}/${version}`, version }],
      preferredVersion: { groupVersion: `${group}/${version}`, version },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `GET /api/v1` or `/apis/{group}/{version}`; undefined for a group version not served. */
export function apiResourceList(groupVersion: string) {
  const resources = apiResourceLists().get(groupVersion);
  return resources && { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** The path a group version is served under (`/api/v1`, `/apis/apps/v1`). */
export function groupVersionUrl(groupVersion: string): string {
  const [group, version] = splitGroupVersion(groupVersion);
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}
