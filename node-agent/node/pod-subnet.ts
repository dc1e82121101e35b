import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../common/log/log.js';
import type { Node } from '../../common/schema/index.js';
import { backOffDelayMs } from '../pods/pod-actions.js';
import type { NodeApi } from './node-registration.js';

export interface PodSubnetDeps {
  api: Pick<NodeApi, 'get' | 'watch'>;
  nodeName: string;
  /** A subnet fixed in the agent config, for a cluster without the control plane's allocator. */
  configured?: string;
  /** How often to say, loudly, that the node is still waiting (10 s). */
  warnEveryMs?: number;
  log: Logger;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const RETRY = { baseMs: 500, maxMs: 10_000 };

/**
 * The node's pod subnet. The one the control plane allocated (`spec.podCIDR`) wins; without one, the
 * configured subnet, when the config names it; otherwise this waits for the allocation for as long as
 * it takes — re-reading the Node and watching it, retrying failed watches with back-off — and logs an
 * error every `warnEveryMs` saying what it waits for. Never another node's subnet by default: two nodes on
 * one subnet would answer for each other's pod IPs.
 */
export async function waitForPodSubnet(deps: PodSubnetDeps): Promise<string> {
  const { api, nodeName, log } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const warnEveryMs = deps.warnEveryMs ?? 10_000;
  const since = clock();
  let lastWarned = since;
  let failures = 0;
  for (;;) {
    let node: Node | undefined;
    try {
      node = await api.get({ kind: 'Node', name: nodeName });
      if (node?.spec.podCIDR) return node.spec.podCIDR;
      if (deps.configured) {
        log.info({ podCIDR: deps.configured }, 'no pod subnet allocated to this node; using the one the agent config names');
        return deps.configured;
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not read this node to learn its pod subnet');
    }
    if (clock() - lastWarned >= warnEveryMs) {
      lastWarned = clock();
      log.error(
        { waitedSeconds: Math.round((clock() - since) / 1000) },
        `node ${nodeName} has no pod subnet yet: waiting for the control plane to allocate one ` +
          '(is its node controller running, is the cluster CIDR exhausted?); pods wait too. Set podCIDR in the agent config to fix one.',
      );
    }
    const signal = AbortSignal.timeout(Math.max(1, warnEveryMs - (clock() - lastWarned)));
    try {
      const events = api.watch('Node', node ? { resourceVersion: node.metadata.resourceVersion } : {}, signal);
      for await (const e of events) if (e.object.metadata.name === nodeName && e.object.spec.podCIDR) return e.object.spec.podCIDR;
    } catch (err) {
      if (!signal.aborted) log.warn({ err: (err as Error).message }, 'watching this node for its pod subnet failed');
    }
    if (signal.aborted) {
      failures = 0;
      continue;
    }
    // The watch failed or ended early: read again after a back-off, not in a tight loop.
    failures++;
    await sleep(backOffDelayMs(RETRY, failures));
  }
}
