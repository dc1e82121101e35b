import type { NodeNet } from '../host/node-net.js';

/**
 * Connections the node itself makes to a cluster IP (the gateway's, say) need a route before NAT
 * sees them. A node without a default route (the local nodes) gets one for the service CIDR through
 * the interface holding its address; after DNAT the kernel routes the packet to the chosen endpoint.
 */
export async function ensureServiceRoute(net: NodeNet, serviceCIDR: string, nodeIP: string): Promise<void> {
  const [base] = serviceCIDR.split('/');
  try {
    await net.run('ip', ['route', 'get', base!]);
    return;
  } catch {
    // No route covers it: add ours.
  }
  const links = JSON.parse(await net.run('ip', ['-j', '-4', 'addr', 'show'])) as { ifname: string; addr_info: { local: string }[] }[];
  const dev = links.find((l) => l.addr_info.some((a) => a.local === nodeIP))?.ifname;
  if (!dev) throw new Error(`no interface holds the node IP ${nodeIP}`);
  await net.run('ip', ['route', 'replace', serviceCIDR, 'dev', dev, 'src', nodeIP]);
}
