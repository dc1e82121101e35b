import { CLUSTER_DOMAIN } from './dns-answer.js';

/**
 * A pod's /etc/resolv.conf, as kubelet writes it: the node's cluster DNS server, the pod's own
 * namespace first in the search list, and ndots:5 so `web` and `web.shop` try the cluster names first.
 */
export function podResolvConf(namespace: string, nameserver: string): string {
  const search = [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
  return `nameserver ${nameserver}\nsearch ${search.join(' ')}\noptions ndots:5\n`;
}

/** The `nameserver` addresses of a resolv.conf, leaving out `self` (the cluster DNS must not ask itself). */
export function nameservers(resolvConf: string, self?: string): string[] {
  return resolvConf
    .split('\n')
    .map((line) =>
      line
        .replace(/[#;].*/, '')
        .trim()
        .split(/\s+/),
    )
    .filter(([keyword, address]) => keyword === 'nameserver' && address !== undefined && address !== self)
    .map(([, address]) => address!);
}
