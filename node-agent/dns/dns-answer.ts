import { type DNS, type Service, serviceAddressesRefused } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';

/** The zone the cluster answers for with authority: `NAME.NAMESPACE.svc.cluster.local`. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** One question of a query; `type` is the record type's mnemonic (`A`, `AAAA`, `MX`, ...). */
export interface DnsQuestion {
  name: string;
  type: string;
}

/** What the cluster knows that names resolve to, as the informers hold it. */
export interface ClusterNames {
  services: readonly Service[];
  dns: readonly DNS[];
}

export type DnsAnswer =
  /** An A record; `name` is the question's name, normalised. */
  | { kind: 'address'; name: string; ip: string; authoritative: boolean }
  /** The name exists but has no record of the asked type (AAAA for a service): NOERROR, no answers. */
  | { kind: 'no-data'; authoritative: boolean }
  | { kind: 'nxdomain' }
  /** A cluster name whose address is not known yet (a service without a ClusterIP). */
  | { kind: 'servfail'; reason: string }
  /** Not a cluster name: ask the node's upstream resolver. */
  | { kind: 'forward' };

/**
 * Answers one question from the cluster's services and DNS hosts, or says to forward it. Services
 * without a usable ClusterIP (none yet, or refused) fail with SERVFAIL: the name exists, the address does not.
 * - `NAME.NAMESPACE.svc.cluster.local`: the service's ClusterIP; anything else under cluster.local is NXDOMAIN
 *   (so a resolver walking its search list moves on quickly).
 * - a DNS-kind host (`shop.example.com`): the gateway service's ClusterIP.
 * - `NAME.NAMESPACE` when that service exists: its ClusterIP. Resolvers do not apply the search list to
 *   names with a dot (busybox nslookup), so the short form has to be answered as asked.
 * - a single label (search lists have been tried by then): NXDOMAIN; anything else is forwarded.
 */
export function answerQuestion(q: DnsQuestion, names: ClusterNames): DnsAnswer {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  if (names.dns.some((d) => d.spec.host === name)) {
    const gateway = findService(names.services, GATEWAY_SERVICE.namespace, GATEWAY_SERVICE.name);
    return addressOf(name, q.type, gateway, true);
  }
  const labels = name.split('.');
  if (name === CLUSTER_DOMAIN || name.endsWith(`.${CLUSTER_DOMAIN}`)) {
    const [svc, ns, zone] = labels;
    const service = labels.length === 5 && zone === 'svc' ? findService(names.services, ns!, svc!) : undefined;
    return service ? addressOf(name, q.type, service, true) : { kind: 'nxdomain' };
  }
  if (labels.length === 1) return { kind: 'nxdomain' };
  if (labels.length === 2) {
    const service = findService(names.services, labels[1]!, labels[0]!);
    if (service) return addressOf(name, q.type, service, false);
  }
  return { kind: 'forward' };
}

function findService(services: readonly Service[], namespace: string, name: string): Service | undefined {
  return services.find((s) => s.metadata.name === name && (s.metadata.namespace ?? 'default') === namespace);
}

function addressOf(name: string, type: string, service: Service | undefined, authoritative: boolean): DnsAnswer {
  if (!service) return { kind: 'servfail', reason: 'the gateway service does not exist' };
  const ip = service.spec.clusterIP;
  const which = `service ${service.metadata.namespace}/${service.metadata.name}`;
  if (!ip) return { kind: 'servfail', reason: `${which} has no ClusterIP yet` };
  // Its address belongs to another service: answering would send clients there.
  if (serviceAddressesRefused(service)) return { kind: 'servfail', reason: `${which} cannot have ClusterIP ${ip}` };
  return type === 'A' || type === 'ANY' ? { kind: 'address', name, ip, authoritative } : { kind: 'no-data', authoritative };
}
