import type { Node } from '../../common/schema/index.js';

/** A route to another node's pod subnet through that node's address (host-gw). */
export interface PodRoute {
  cidr: string;
  via: string;
}

/** The node's internal address, as its agent reports it. */
export function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/**
 * Routes this node needs: one per other node that has a pod subnet and an address. A NotReady node
 * keeps its route (its pods may well still be running); only a node that left the cluster loses it.
 */
export function desiredPodRoutes(nodes: readonly Node[], self: string): PodRoute[] {
  const routes: PodRoute[] = [];
  for (const node of nodes) {
    const via = internalIP(node);
    if (node.metadata.name === self || !node.spec.podCIDR || !via) continue;
    routes.push({ cidr: node.spec.podCIDR, via });
  }
  return routes.sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/** What to change to get from the routes in place to the desired ones. */
export function diffPodRoutes(current: readonly PodRoute[], desired: readonly PodRoute[]): { replace: PodRoute[]; remove: PodRoute[] } {
  const has = (list: readonly PodRoute[], r: PodRoute) => list.some((x) => x.cidr === r.cidr && x.via === r.via);
  return {
    replace: desired.filter((r) => !has(current, r)),
    remove: current.filter((r) => !desired.some((d) => d.cidr === r.cidr)),
  };
}

/**
 * The node's forwarding rules (iptables-restore input, applied with --noflush): pod traffic within the
 * cluster CIDR is forwarded unchanged past Docker's FORWARD DROP, so pods see each other's real
 * addresses; pod traffic leaving the cluster CIDR is masqueraded behind the node address.
 */
export function podNetworkRules(podCIDR: string, clusterCIDR: string): string {
  return [
    '*filter',
    ':MINIK8S-POD-FORWARD - [0:0]',
    `-A MINIK8S-POD-FORWARD -s ${clusterCIDR} -j ACCEPT`,
    `-A MINIK8S-POD-FORWARD -d ${clusterCIDR} -j ACCEPT`,
    'COMMIT',
    '*nat',
    ':MINIK8S-POD-EGRESS - [0:0]',
    `-A MINIK8S-POD-EGRESS -s ${podCIDR} ! -d ${clusterCIDR} -j MASQUERADE`,
    'COMMIT',
    '',
  ].join('\n');
}
