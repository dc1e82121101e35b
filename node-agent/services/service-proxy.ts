import { Informer } from '../../common/client/informer.js';
import type { ListWatchSource } from '../../common/client/list-watch-source.js';
import { type ReconcileResult, WorkQueue } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { restoreRules } from '../host/iptables.js';
import type { NodeNet } from '../host/node-net.js';
import { renderServiceRules, type ServicePort, servicePorts } from './iptables-rules.js';
import { parseIptablesSave } from './iptables-save.js';
import { ensureServiceRoute } from './service-route.js';

const KEY = 'service-rules';

export interface ServiceProxyDeps {
  net: NodeNet;
  services: Informer<'Service'>;
  endpoints: Informer<'Endpoints'>;
  log: Logger;
  /** Changes within this window are written together. */
  debounceMs?: number;
  /** A backstop: the rules are compared with the node's this often even when nothing changed. */
  resyncMs?: number;
}

/**
 * The node's service proxy: programs iptables from the Service and Endpoints informers, one
 * `iptables-save` and one `iptables-restore --noflush` per sync. The rules stay when the agent stops
 * (services keep working without it or the control plane); a new agent rewrites them in place.
 */
export class ServiceProxy {
  readonly #deps: ServiceProxyDeps;
  readonly #queue: WorkQueue;
  /** Per-service chains as last written, so a sync rewrites only the ones that changed. */
  #written = new Map<string, string>();
  #debounce: NodeJS.Timeout | undefined;

  constructor(deps: ServiceProxyDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue('service-proxy', () => this.sync(), deps.log);
    deps.services.onChange(() => this.#changed());
    deps.endpoints.onChange(() => this.#changed());
  }

  /** Queues a sync a moment after the first change (the queue's own delays are for retries and resyncs). */
  #changed(): void {
    this.#debounce ??= setTimeout(() => {
      this.#debounce = undefined;
      this.#queue.add(KEY);
    }, this.#deps.debounceMs ?? 20);
  }

  /** Writes the rules once; the informers should have listed by then, or services in place would be dropped. */
  start(): void {
    this.#queue.add(KEY);
  }

  stop(): Promise<void> {
    clearTimeout(this.#debounce);
    return this.#queue.stop();
  }

  async sync(): Promise<ReconcileResult> {
    const { net, services, endpoints, log } = this.#deps;
    const started = performance.now();
    const ports = servicePorts(services.list(), endpoints.list());
    try {
      this.#written = await writeServiceRules(net, ports, this.#written);
    } catch (err) {
      // What is in place is no longer known: the retry writes every chain.
      this.#written = new Map();
      throw err;
    }
    log.debug({ servicePorts: ports.length, ms: Math.round(performance.now() - started) }, 'service rules written');
    return { requeueAfterMs: this.#deps.resyncMs ?? 30_000 };
  }
}

/**
 * One sync: reads the node's rules (iptables-save), renders ours against them and writes the result
 * with one iptables-restore. Returns the per-service chains as now written, for the next sync.
 */
export async function writeServiceRules(net: NodeNet, ports: readonly ServicePort[], written: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const saved = parseIptablesSave(await net.run('iptables-save', []));
  const rendered = renderServiceRules(ports, { saved, written });
  await restoreRules(net, rendered.text);
  return rendered.chains;
}

/** Informers for Service and Endpoints, the route for locally made connections, then the proxy. */
export async function startServiceProxy(deps: {
  net: NodeNet;
  api: ListWatchSource;
  serviceCIDR: string;
  nodeIP: string;
  log: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { net, api, log } = deps;
  const services = new Informer(api, 'Service', { log });
  const endpoints = new Informer(api, 'Endpoints', { log });
  const proxy = new ServiceProxy({ net, services, endpoints, log });
  await Promise.all([services.start(), endpoints.start()]);
  await ensureServiceRoute(net, deps.serviceCIDR, deps.nodeIP);
  proxy.start();
  return {
    async stop() {
      services.stop();
      endpoints.stop();
      await proxy.stop();
    },
  };
}
