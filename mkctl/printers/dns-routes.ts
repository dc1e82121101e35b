import type { DNS, Service } from '../../common/schema/index.js';
import { formatTable } from './table.js';

/** `describe dns`: the host and, per path, the service it forwards to with that service's ClusterIP. */
export function dnsRoutesSection(dns: DNS, services: readonly Service[]): string[] {
  const rows = dns.spec.paths.map((p) => {
    const service = services.find((s) => s.metadata.name === p.service);
    return [p.path, p.service, String(p.port), service ? (service.spec.clusterIP ?? '<pending>') : '<no such service>', p.keepPrefix ? 'kept' : 'stripped'];
  });
  const table = formatTable(['Path', 'Service', 'Port', 'Cluster IP', 'Prefix'], [['----', '-------', '----', '----------', '------'], ...rows], {
    upperCaseHeaders: false,
  });
  return [`${'Host:'.padEnd(13)} ${dns.spec.host}`, 'Routes:', ...table.split('\n').map((l) => `  ${l}`)];
}
