import { containsIp, inRange, type NumberRange, serviceIPRanges } from '../../common/net/address-ranges.js';
import type { Service } from '../../common/schema/index.js';

/** Where services get their addresses from. */
export interface ServiceNetwork {
  /** Every service's cluster IP is in this CIDR. */
  serviceCIDR: string;
  /** Host addresses at the start of the CIDR kept for the cluster's own services (10.96.0.1–15): only given when asked for by name. */
  reservedIPs: number;
  nodePorts: NumberRange;
}

export const defaultServiceNetwork: ServiceNetwork = { serviceCIDR: '10.96.0.0/16', reservedIPs: 15, nodePorts: { first: 30000, size: 2768 } };

/** One address a service holds exclusively in the cluster: its cluster IP, or a node port of a protocol. */
export type ServiceAddress = { type: 'clusterIP'; ip: string } | { type: 'nodePort'; protocol: 'TCP' | 'UDP'; port: number };

/** The address as a claim key: `clusterIP/10.96.0.20`, `nodePort/TCP/30080`. */
export function addressKey(a: ServiceAddress): string {
  return a.type === 'clusterIP' ? `clusterIP/${a.ip}` : `nodePort/${a.protocol}/${a.port}`;
}

/** For messages: `cluster IP 10.96.0.20`, `node port 30080/TCP`. */
export function describeAddress(a: ServiceAddress): string {
  return a.type === 'clusterIP' ? `cluster IP ${a.ip}` : `node port ${a.port}/${a.protocol}`;
}

/** The addresses a service's spec names (asked for in Git, or allocated earlier). */
export function specAddresses(service: Service): ServiceAddress[] {
  const { spec } = service;
  const nodePorts: ServiceAddress[] =
    spec.type === 'NodePort'
      ? spec.ports.flatMap((p) => (p.nodePort === undefined ? [] : [{ type: 'nodePort' as const, protocol: p.protocol, port: p.nodePort }]))
      : [];
  return [...(spec.clusterIP ? [{ type: 'clusterIP' as const, ip: spec.clusterIP }] : []), ...nodePorts];
}

/** Why an address cannot be the service's at all, whoever holds it; undefined when it is in range. */
export function outOfRange(a: ServiceAddress, net: ServiceNetwork): string | undefined {
  if (a.type === 'clusterIP')
    return containsIp(serviceIPRanges(net.serviceCIDR, net.reservedIPs).all, a.ip)
      ? undefined
      : `cluster IP ${a.ip} is not in the service CIDR ${net.serviceCIDR}`;
  const last = net.nodePorts.first + net.nodePorts.size - 1;
  return inRange(net.nodePorts, a.port) ? undefined : `node port ${a.port} is not in the node port range ${net.nodePorts.first}-${last}`;
}
