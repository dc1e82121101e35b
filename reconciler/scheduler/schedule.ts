import type { Node, Pod } from '../../common/schema/index.js';
import { holdsResources, isNodeReady, nodeAllocatable, podRequests, type Resources } from './pod-requests.js';

export type ScheduleDecision = { node: string } | { node?: undefined; message: string };

type FilterReason = 'node(s) not ready' | 'node(s) unschedulable' | "node(s) didn't match node selector" | 'insufficient cpu' | 'insufficient memory';

interface NodeUsage {
  requested: Resources;
  /** The same with non-zero defaults for what pods leave unrequested: what scoring compares. */
  scored: Resources;
  /** Pods of each owner (uid) on the node, for spreading replicas. */
  byOwner: Map<string, number>;
}

export function usageByNode(pods: Pod[]): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const p of pods) {
    if (!holdsResources(p)) continue;
    const u = usage.get(p.spec.nodeName!) ?? emptyUsage();
    add(u.requested, podRequests(p));
    add(u.scored, podRequests(p, true));
    const owner = ownerOf(p);
    if (owner) u.byOwner.set(owner, (u.byOwner.get(owner) ?? 0) + 1);
    usage.set(p.spec.nodeName!, u);
  }
  return usage;
}

const emptyUsage = (): NodeUsage => ({ requested: { cpuMillis: 0, memoryBytes: 0 }, scored: { cpuMillis: 0, memoryBytes: 0 }, byOwner: new Map() });

function add(to: Resources, r: Resources): void {
  to.cpuMillis += r.cpuMillis;
  to.memoryBytes += r.memoryBytes;
}

function ownerOf(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.uid ?? pod.metadata.ownerReferences?.[0]?.uid;
}

function filterReason(selector: Array<[string, string]>, need: Resources, node: Node, usage: NodeUsage | undefined): FilterReason | undefined {
  if (!isNodeReady(node)) return 'node(s) not ready';
  if (node.spec.unschedulable) return 'node(s) unschedulable';
  const labels = node.metadata.labels ?? {};
  if (selector.some(([k, v]) => labels[k] !== v)) return "node(s) didn't match node selector";
  const free = nodeAllocatable(node);
  const used = usage?.requested ?? { cpuMillis: 0, memoryBytes: 0 };
  if (need.cpuMillis > free.cpuMillis - used.cpuMillis) return 'insufficient cpu';
  if (need.memoryBytes > free.memoryBytes - used.memoryBytes) return 'insufficient memory';
  return undefined;
}

function share(n: number, total: number): number {
  return total > 0 ? 1 - n / total : 0;
}

/** Least-requested share of the node after placing the pod (0..1, higher is emptier), minus a penalty per sibling already there. */
function score(owner: string | undefined, need: Resources, node: Node, usage: NodeUsage | undefined): number {
  const free = nodeAllocatable(node);
  const used = usage?.scored ?? { cpuMillis: 0, memoryBytes: 0 };
  const leastRequested = (share(used.cpuMillis + need.cpuMillis, free.cpuMillis) + share(used.memoryBytes + need.memoryBytes, free.memoryBytes)) / 2;
  const siblings = owner ? (usage?.byOwner.get(owner) ?? 0) : 0;
  return leastRequested - siblings;
}

/**
 * Kubernetes' two phases: filter the nodes that can run the pod, then score the rest.
 * `tieBreak` rotates among equally good nodes (the caller advances it per decision).
 * Pure: the same snapshot and tieBreak give the same decision.
 */
export function schedule(pod: Pod, nodes: Node[], usage: Map<string, NodeUsage>, tieBreak = 0): ScheduleDecision {
  const need = podRequests(pod);
  const scoredNeed = podRequests(pod, true);
  const selector = Object.entries(pod.spec.nodeSelector ?? {});
  const owner = ownerOf(pod);
  const reasons = new Map<FilterReason, number>();
  // Scores within a hair of the best count as ties, so float noise doesn't defeat the round-robin.
  let best = Number.NEGATIVE_INFINITY;
  let ties: string[] = [];
  for (const node of nodes) {
    const u = usage.get(node.metadata.name);
    const reason = filterReason(selector, need, node, u);
    if (reason) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const s = score(owner, scoredNeed, node, u);
    if (s > best + 1e-9) [best, ties] = [s, [node.metadata.name]];
    else if (s > best - 1e-9) ties.push(node.metadata.name);
  }
  if (ties.length === 0) {
    const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
    return { message: `0/${nodes.length} nodes are available${why ? `: ${why}` : ''}.` };
  }
  ties.sort();
  return { node: ties[tieBreak % ties.length]! };
}

/** Records a binding in the usage map so a batch of decisions sees its own earlier placements. */
export function assume(usage: Map<string, NodeUsage>, pod: Pod, nodeName: string): void {
  const bound = { ...pod, spec: { ...pod.spec, nodeName } };
  const one = usageByNode([bound]).get(nodeName)!;
  const u = usage.get(nodeName) ?? emptyUsage();
  add(u.requested, one.requested);
  add(u.scored, one.scored);
  for (const [owner, n] of one.byOwner) u.byOwner.set(owner, (u.byOwner.get(owner) ?? 0) + n);
  usage.set(nodeName, u);
}
