import type { Node, Pod } from '../../common/schema/index.js';

export interface NodeHealthOptions {
  /** A node whose agent has not posted a heartbeat for this long is NotReady (Kubernetes: 40 s; here 15 s). */
  heartbeatGraceMs: number;
  /** Pods of a node NotReady for this long are marked Failed so their controllers replace them. */
  podEvictionGraceMs: number;
}

export const defaultNodeHealthOptions: NodeHealthOptions = { heartbeatGraceMs: 15_000, podEvictionGraceMs: 40_000 };

function readyCondition(node: Node) {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * The Ready condition a node should have now, or undefined when the one it has is right.
 * `watchingSince` is when this controller started: time the control plane itself was down does not
 * count against a node (its agent could not post then), as Kubernetes' node controller probes anew.
 */
export function staleReadyCondition(
  node: Node,
  now: number,
  opts: NodeHealthOptions,
  watchingSince = 0,
): NonNullable<ReturnType<typeof readyCondition>> | undefined {
  const ready = readyCondition(node);
  if (ready?.status !== 'True') return undefined;
  const beat = Math.max(Date.parse(ready.lastHeartbeatTime ?? ready.lastTransitionTime ?? '') || 0, watchingSince);
  if (now - beat <= opts.heartbeatGraceMs) return undefined;
  return {
    ...ready,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Node agent stopped posting node status.',
    lastTransitionTime: new Date(now).toISOString(),
  };
}

/** Milliseconds since the node stopped being Ready (counted from `watchingSince` at most), or undefined while it is Ready. */
export function notReadyForMs(node: Node, now: number, watchingSince = 0): number | undefined {
  const ready = readyCondition(node);
  if (ready?.status === 'True') return undefined;
  const since = Math.max(Date.parse(ready?.lastTransitionTime ?? '') || 0, watchingSince);
  return now - since;
}

/** Pods still counted as alive on nodes that have been NotReady past the eviction grace period. */
export function podsToEvict(pods: Pod[], nodes: Node[], now: number, opts: NodeHealthOptions, watchingSince = 0): Pod[] {
  const lost = new Set(nodes.filter((n) => (notReadyForMs(n, now, watchingSince) ?? -1) >= opts.podEvictionGraceMs).map((n) => n.metadata.name));
  return pods.filter((p) => p.spec.nodeName !== undefined && lost.has(p.spec.nodeName) && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
}

/** The lowest free /24 of the cluster CIDR (10.244.N.0/24, N ≥ 1) not held by another node; undefined when all are held. */
export function allocatePodCIDR(nodes: Node[], clusterPrefix = '10.244'): string | undefined {
  const used = new Set(nodes.map((n) => n.spec.podCIDR).filter(Boolean));
  for (let n = 1; n < 255; n++) {
    const cidr = `${clusterPrefix}.${n}.0/24`;
    if (!used.has(cidr)) return cidr;
  }
  return undefined;
}
