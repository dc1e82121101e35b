import type { Informer } from '../../common/client/informer.js';
import type { Logger } from '../../common/log/log.js';
import type { Node } from '../../common/schema/index.js';
import { isNodeReady } from '../scheduler/pod-requests.js';

/** True when `expected` nodes are Ready: the first sync may go ahead. */
export function enoughNodesReady(nodes: Node[], expected: number): boolean {
  return nodes.filter(isNodeReady).length >= expected;
}

/**
 * Resolves once `expected` nodes are Ready, or after `timeoutMs` (then with a warning): a fresh cluster's
 * first sync waits for its nodes, so the example repository is spread over all of them rather than landing
 * on whichever joined first. Register before the informer starts (its initial list counts).
 */
export function whenNodesReady(nodes: Informer<'Node'>, expected: number, timeoutMs: number, log: Logger): Promise<void> {
  if (expected <= 0) return Promise.resolve();
  log.info({ expected }, 'first sync of a fresh cluster: waiting for the nodes to be Ready');
  return new Promise((resolve) => {
    let done = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const ready = nodes.list().filter(isNodeReady).length;
      if (timedOut) log.warn({ expected, ready, timeoutMs }, 'not every expected node is Ready; syncing anyway');
      else log.info({ ready }, 'nodes Ready; first sync');
      resolve();
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    nodes.onChange(() => {
      if (enoughNodesReady(nodes.list(), expected)) finish(false);
    });
  });
}
