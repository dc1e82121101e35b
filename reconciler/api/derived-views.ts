import { labelSelectorText } from '../../common/printers/columns.js';
import type { Deployment, Node, NodeMetrics, ReplicaSet } from '../../common/schema/index.js';

/** Where Kubernetes keeps node heartbeat leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Kubernetes' MicroTime has six fractional digits; JavaScript's ISO strings have three. */
const microTime = (iso: string) => iso.replace(/\.(\d{3})Z$/, '.$1000Z');

/** autoscaling/v1 Scale of a Deployment or ReplicaSet, as `kubectl get --subresource=scale` reads it. */
export function scaleOf(o: Deployment | ReplicaSet) {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: o.spec.replicas },
    status: { replicas: o.status?.replicas ?? 0, selector: labelSelectorText(o.spec.selector) },
  };
}

/**
 * A node's heartbeat as a coordination.k8s.io Lease in `kube-node-lease`, where `kubectl describe node`
 * looks: the agent renews it with each status write, so the Node's Ready heartbeat is its renew time.
 */
export function nodeLease(node: Node, leaseDurationSeconds: number) {
  const beat = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: {
      name: node.metadata.name,
      namespace: NODE_LEASE_NAMESPACE,
      uid: node.metadata.uid,
      resourceVersion: node.metadata.resourceVersion,
      creationTimestamp: node.metadata.creationTimestamp,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid ?? '' }],
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds, ...(beat && { renewTime: microTime(beat) }) },
  };
}

const metricsMeta = (m: NodeMetrics) => ({ timestamp: m.timestamp, window: `${m.windowSeconds}s` });

/** metrics.k8s.io/v1beta1 NodeMetrics from what a node's agent reported. */
export function nodeMetricsView(m: NodeMetrics) {
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: m.metadata.name, creationTimestamp: m.timestamp },
    ...metricsMeta(m),
    usage: m.usage,
  };
}

/** metrics.k8s.io/v1beta1 PodMetrics for every pod in the nodes' reports (the newest report wins for a pod that moved). */
export function podMetricsViews(reports: readonly NodeMetrics[]) {
  const byPod = new Map<string, { m: NodeMetrics; pod: NodeMetrics['pods'][number] }>();
  for (const m of reports)
    for (const pod of m.pods) {
      const key = `${pod.namespace}/${pod.name}`;
      const seen = byPod.get(key);
      if (!seen || Date.parse(seen.m.timestamp) < Date.parse(m.timestamp)) byPod.set(key, { m, pod });
    }
  return [...byPod.values()]
    .sort((a, b) => `${a.pod.namespace}/${a.pod.name}`.localeCompare(`${b.pod.namespace}/${b.pod.name}`))
    .map(({ m, pod }) => ({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: m.timestamp },
      ...metricsMeta(m),
      containers: pod.containers,
    }));
}
