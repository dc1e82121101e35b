import type { DNS, Service } from '../../common/schema/index.js';
import { gatewayService } from '../../common/schema/system-services.js';
import { makeService } from '../services/fixtures.js';

/** A DNS-kind object for `host` with `paths` as `[path, service, port, keepPrefix?]`. */
export function makeDNS(name: string, host: string, paths: [string, string, number, boolean?][], namespace = 'default'): DNS {
  return {
    apiVersion: 'minik8s.io/v1',
    kind: 'DNS',
    metadata: { name, namespace },
    spec: { host, paths: paths.map(([path, service, port, keepPrefix = false]) => ({ path, service, port, keepPrefix })) },
  };
}

/** cart and web in default, db in shop (no ClusterIP yet), the gateway; shop.example.com routes /cart and /web. */
export function shopFixture(): { services: Service[]; dns: DNS[] } {
  return {
    services: [
      makeService('cart', { clusterIP: '10.96.0.20', ports: [{ port: 8080, protocol: 'TCP' }] }),
      makeService('web', { clusterIP: '10.96.0.21' }),
      makeService('db', {}, 'shop'),
      gatewayService(),
    ],
    dns: [
      makeDNS('shop', 'shop.example.com', [
        ['/cart', 'cart', 8080],
        ['/web', 'web', 80, true],
      ]),
    ],
  };
}
