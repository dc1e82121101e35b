import { readFile } from 'node:fs/promises';
import { Informer } from '../../common/client/informer.js';
import type { ListWatchSource } from '../../common/client/list-watch-source.js';
import type { Logger } from '../../common/log/log.js';
import { ClusterDnsServer } from './cluster-dns-server.js';
import { nameservers } from './resolv-conf.js';

export interface ClusterDnsDeps {
  api: ListWatchSource;
  /** The node's pod-network gateway: pods reach it directly on their bridge. */
  address: string;
  log: Logger;
  /** Where the node's own resolvers are listed; /etc/resolv.conf. */
  resolvConfPath?: string;
}

export interface RunningClusterDns {
  stop(): Promise<void>;
}

/**
 * The node-local cluster DNS: answers from Service and DNS caches kept by informers, so it keeps
 * answering (from the last state seen) while the control plane is away.
 */
export async function startClusterDns(deps: ClusterDnsDeps): Promise<RunningClusterDns> {
  const { api, address, log } = deps;
  const services = new Informer(api, 'Service', { log });
  const dns = new Informer(api, 'DNS', { log });
  const upstreams = nameservers(await readFile(deps.resolvConfPath ?? '/etc/resolv.conf', 'utf8').catch(() => ''), address);
  await Promise.all([services.start(), dns.start()]);
  try {
    const server = await ClusterDnsServer.start({ address, upstreams, names: () => ({ services: services.list(), dns: dns.list() }), log });
    log.info({ address, upstreams }, 'cluster DNS listening');
    return {
      async stop() {
        services.stop();
        dns.stop();
        await server.close();
      },
    };
  } catch (err) {
    services.stop();
    dns.stop();
    throw err;
  }
}
