import { createHash } from 'node:crypto';
import { type Endpoints, type Service, serviceAddressesRefused } from '../../common/schema/index.js';
import { hasJump, type SavedRules } from './iptables-save.js';

/** One port of a service, with the addresses behind it: what one set of rules is made of. */
export interface ServicePort {
  /** `namespace/name` or, for a named port, `namespace/name:port`: for comments and chain names. */
  id: string;
  clusterIP: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  nodePort?: number;
  endpoints: { ip: string; port: number }[];
}

/** Marks a connection to be masqueraded on its way out (kube-proxy's bit). */
const MASQ_BIT = '0x4000';
const SVC = 'MINIK8S-SVC-';
const SEP = 'MINIK8S-SEP-';
const NAT_CHAINS = ['MINIK8S-SERVICES', 'MINIK8S-NODEPORTS', 'MINIK8S-POSTROUTING', 'MINIK8S-MARK-MASQ'];
const FILTER_CHAINS = ['MINIK8S-SERVICES', 'MINIK8S-EXTERNAL-SERVICES', 'MINIK8S-FORWARD'];

/** Jumps from the built-in chains into ours: [table, chain, target, matches]. */
const JUMPS: [table: string, chain: string, target: string, match: string][] = [
  ['nat', 'PREROUTING', 'MINIK8S-SERVICES', '-m comment --comment "minik8s service portals"'],
  ['nat', 'OUTPUT', 'MINIK8S-SERVICES', '-m comment --comment "minik8s service portals"'],
  ['nat', 'POSTROUTING', 'MINIK8S-POSTROUTING', '-m comment --comment "minik8s postrouting rules"'],
  ['filter', 'FORWARD', 'MINIK8S-SERVICES', '-m conntrack --ctstate NEW -m comment --comment "minik8s service portals"'],
  ['filter', 'OUTPUT', 'MINIK8S-SERVICES', '-m conntrack --ctstate NEW -m comment --comment "minik8s service portals"'],
  ['filter', 'INPUT', 'MINIK8S-EXTERNAL-SERVICES', '-m conntrack --ctstate NEW -m comment --comment "minik8s node ports"'],
  ['filter', 'FORWARD', 'MINIK8S-FORWARD', '-m comment --comment "minik8s forwarding rules"'],
];

const isJumpOf = (table: string, chain: string, rule: string) => JUMPS.some(([t, c, target]) => t === table && c === chain && rule.endsWith(` -j ${target}`));

/**
 * Built-in chains where one of our jumps sits below someone else's rule: Docker inserts its own at the
 * top when it (re)creates a network, and a pod's connection it accepts first would never see our rejects.
 * Those jumps are deleted and inserted at the top again, in the same restore.
 */
function misplacedJumpChains(saved: SavedRules, table: string): Set<string> {
  const chains = new Set(JUMPS.filter(([t]) => t === table).map(([, c]) => c));
  return new Set(
    [...chains].filter((chain) => {
      const rules = (saved.get(table)?.rules ?? []).filter((r) => r.startsWith(`-A ${chain} `));
      const ours = rules.filter((r) => isJumpOf(table, chain, r)).length;
      return !rules.slice(0, ours).every((r) => isJumpOf(table, chain, r));
    }),
  );
}

/**
 * The ports the node should serve: every service with a cluster IP that is its own (not refused by the
 * allocator), oldest first, so that of two services that somehow share an address the older one wins.
 */
export function servicePorts(services: readonly Service[], endpoints: readonly Endpoints[]): ServicePort[] {
  const byName = new Map(endpoints.map((e) => [`${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e]));
  const order = (s: Service) => `${s.metadata.creationTimestamp ?? ''} ${s.metadata.namespace}/${s.metadata.name}`;
  return [...services]
    .filter((s) => s.spec.clusterIP && !serviceAddressesRefused(s))
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
    .flatMap((s) => {
      const name = `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
      const subsets = byName.get(name)?.subsets ?? [];
      return s.spec.ports.map((p) => {
        const targets = subsets.flatMap((sub) => {
          const ep = sub.ports.find((e) => e.name === p.name && e.protocol === p.protocol);
          return ep ? sub.addresses.map((a) => ({ ip: a.ip, port: ep.port })) : [];
        });
        return {
          id: p.name ? `${name}:${p.name}` : name,
          clusterIP: s.spec.clusterIP!,
          port: p.port,
          protocol: p.protocol,
          ...(s.spec.type === 'NodePort' && p.nodePort !== undefined && { nodePort: p.nodePort }),
          endpoints: [...new Map(targets.map((t) => [`${t.ip}:${t.port}`, t])).values()],
        };
      });
    });
}

/** A chain name of ours: prefix + 16 hex digits of a hash (iptables allows 28 characters). */
function chainName(prefix: string, ...parts: string[]): string {
  return prefix + createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16).toUpperCase();
}

export interface RenderOptions {
  /** The node's rules now (iptables-save): our chains no longer wanted are deleted, missing jumps added. */
  saved: SavedRules;
  /** Per-service chains as the last sync wrote them: those unchanged and still in place are not rewritten. */
  written?: ReadonlyMap<string, string>;
}

export interface RenderedRules {
  /** `iptables-restore --noflush` input. */
  text: string;
  /** Every per-service chain's rules as rendered, for the next sync's `written`. */
  chains: Map<string, string>;
}

/**
 * The service proxy's iptables as `iptables-restore --noflush` input. Each sync rewrites our dispatch
 * chains whole, and the per-service chains that changed, atomically per table: the nat table sends a
 * cluster IP (or a node port on any local address) to one of the endpoints at random, the filter table
 * rejects connections to ports without endpoints at once. Other owners' chains (Docker, the pod
 * network) are left alone.
 */
export function renderServiceRules(ports: readonly ServicePort[], opts: RenderOptions): RenderedRules {
  const nat = new Map<string, string[]>(NAT_CHAINS.map((c) => [c, []]));
  const add = (chain: string, rule: string) => (nat.get(chain) ?? nat.set(chain, []).get(chain)!).push(`-A ${chain} ${rule}`);
  // Node-port traffic forwarded to an endpoint outside the pod network (the gateway on its node's
  // address) passes Docker's FORWARD DROP: the first packet by its mark, the rest as established.
  const filter = [
    `-A MINIK8S-FORWARD -m mark --mark ${MASQ_BIT}/${MASQ_BIT} -j ACCEPT`,
    '-A MINIK8S-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ];
  for (const sp of ports) {
    const proto = sp.protocol.toLowerCase();
    const match = `-p ${proto} -m comment --comment "${sp.id}" -m ${proto}`;
    const reject = `-j REJECT --reject-with ${proto === 'tcp' ? 'tcp-reset' : 'icmp-port-unreachable'}`;
    if (sp.endpoints.length === 0) {
      filter.push(`-A MINIK8S-SERVICES -d ${sp.clusterIP}/32 ${match} --dport ${sp.port} ${reject}`);
      if (sp.nodePort) filter.push(`-A MINIK8S-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} ${reject}`);
      continue;
    }
    // A cluster IP keeps the client's address: replies find their way back through the node that
    // translated them, pods' by the routes between nodes, the nodes' own as they are on one network.
    const svc = chainName(SVC, sp.id, sp.protocol);
    add('MINIK8S-SERVICES', `-d ${sp.clusterIP}/32 ${match} --dport ${sp.port} -j ${svc}`);
    if (sp.nodePort) {
      add('MINIK8S-NODEPORTS', `${match} --dport ${sp.nodePort} -j MINIK8S-MARK-MASQ`);
      add('MINIK8S-NODEPORTS', `${match} --dport ${sp.nodePort} -j ${svc}`);
    }
    sp.endpoints.forEach((ep, i) => {
      const sep = chainName(SEP, sp.id, sp.protocol, ep.ip, String(ep.port));
      // Each rule takes its share of what the ones before it left: 1/n, 1/(n-1), ..., then the rest.
      const left = sp.endpoints.length - i;
      add(svc, `${left > 1 ? `-m statistic --mode random --probability ${(1 / left).toFixed(10)} ` : ''}-j ${sep}`);
      // A pod reaching itself through its service: masqueraded, or it would answer itself directly.
      add(sep, `-s ${ep.ip}/32 -j MINIK8S-MARK-MASQ`);
      add(sep, `${match} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    });
  }
  // Node ports come last: addressed to the node itself, after every cluster IP has had its chance.
  add('MINIK8S-SERVICES', '-m addrtype --dst-type LOCAL -j MINIK8S-NODEPORTS');
  add('MINIK8S-MARK-MASQ', `-j MARK --or-mark ${MASQ_BIT}`);
  add('MINIK8S-POSTROUTING', `-m mark --mark ${MASQ_BIT}/${MASQ_BIT} -j MASQUERADE`);

  const inPlace = opts.saved.get('nat')?.chains ?? new Set<string>();
  const chains = new Map([...nat].filter(([c]) => isPerService(c)).map(([c, rules]) => [c, rules.join('\n')]));
  const rewrite = [...nat.keys()].filter((c) => !isPerService(c) || !inPlace.has(c) || opts.written?.get(c) !== chains.get(c));
  const stale = [...inPlace].filter((c) => isPerService(c) && !nat.has(c));
  const jumps = (table: string) => {
    const misplaced = misplacedJumpChains(opts.saved, table);
    const ours = (chain: string) => (opts.saved.get(table)?.rules ?? []).filter((r) => r.startsWith(`-A ${chain} `) && isJumpOf(table, chain, r));
    return [
      ...[...misplaced].flatMap((chain) => ours(chain).map((r) => `-D${r.slice(2)}`)),
      ...JUMPS.filter(([t, chain, target]) => t === table && (misplaced.has(chain) || !hasJump(opts.saved, t, chain, target))).map(
        ([, chain, target, m]) => `-I ${chain} 1 ${m} -j ${target}`,
      ),
    ];
  };
  const text = [
    '*nat',
    ...[...rewrite, ...stale].map((c) => `:${c} - [0:0]`),
    ...jumps('nat'),
    ...rewrite.flatMap((c) => nat.get(c)!),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '*filter',
    ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`),
    ...jumps('filter'),
    ...filter,
    'COMMIT',
    '',
  ].join('\n');
  return { text, chains };
}

function isPerService(chain: string): boolean {
  return chain.startsWith(SVC) || chain.startsWith(SEP);
}
