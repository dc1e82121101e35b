import type { Informer } from '../../common/client/informer.js';
import { type ReconcileResult, WorkQueue } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { ensureJump, restoreRules } from '../host/iptables.js';
import type { NodeNet } from '../host/node-net.js';
import { desiredPodRoutes, diffPodRoutes, podNetworkRules } from './pod-routes.js';

/** Marks the routes this agent owns (`ip route ... proto 77`), so it never touches anyone else's. */
export const ROUTE_PROTO = '77';
const KEY = 'pod-routes';
const RESYNC_MS = 30_000;

export interface PodNetworkDeps {
  nodeName: string;
  podCIDR: string;
  clusterCIDR: string;
  nodes: Informer<'Node'>;
  net: NodeNet;
  log: Logger;
}

/**
 * The cross-node pod network, host-gw style: a route to every other node's pod subnet via that
 * node's address, kept in step with the Node objects, plus the forwarding rules that let routed pod
 * traffic through. Level-triggered: each pass compares the routes in place with the desired ones.
 */
export class PodNetworkController {
  readonly #deps: PodNetworkDeps;
  readonly #queue: WorkQueue;

  constructor(deps: PodNetworkDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue('pod-network', () => this.reconcile(), deps.log);
    deps.nodes.onChange(() => this.#queue.add(KEY));
  }

  /** Installs the forwarding rules, then keeps the routes in step. */
  async start(): Promise<void> {
    const { net, podCIDR, clusterCIDR } = this.#deps;
    await restoreRules(net, podNetworkRules(podCIDR, clusterCIDR));
    // Last: the service proxy's rejects (for services without endpoints) must see new pod connections first.
    await ensureJump(net, 'filter', 'FORWARD', 'MINIK8S-POD-FORWARD', 'last');
    await ensureJump(net, 'nat', 'POSTROUTING', 'MINIK8S-POD-EGRESS');
    this.#queue.add(KEY);
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async reconcile(): Promise<ReconcileResult> {
    const { net, nodes, nodeName, log } = this.#deps;
    const current = JSON.parse((await net.run('ip', ['-j', '-4', 'route', 'show', 'proto', ROUTE_PROTO])) || '[]') as Array<{ dst: string; gateway?: string }>;
    const { replace, remove } = diffPodRoutes(
      current.map((r) => ({ cidr: r.dst, via: r.gateway ?? '' })),
      desiredPodRoutes(nodes.list(), nodeName),
    );
    for (const r of replace) {
      await net.run('ip', ['route', 'replace', r.cidr, 'via', r.via, 'proto', ROUTE_PROTO]);
      log.info({ cidr: r.cidr, via: r.via }, 'pod route installed');
    }
    for (const r of remove) {
      await net.run('ip', ['route', 'del', r.cidr, 'proto', ROUTE_PROTO]);
      log.info({ cidr: r.cidr }, 'pod route removed');
    }
    return { requeueAfterMs: RESYNC_MS };
  }
}
