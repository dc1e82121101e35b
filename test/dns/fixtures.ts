import type { DNS, Service } from '../../reconciler/schema/index.js';
import { gatewayService } from '../../reconciler/schema/system-services.js';

/** A ClusterIP service `namespace/name` (no ClusterIP when `clusterIP` is undefined). */
export function makeService(namespace: string, name: string, clusterIP: string | undefined, port = 80): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'ClusterIP', selector: { app: name }, ...(clusterIP && { clusterIP }), ports: [{ protocol: 'TCP', port }] },
  };
}

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
    services: [makeService('default', 'cart', '10.96.0.20', 8080), makeService('default', 'web', '10.96.0.21'), makeService('shop', 'db', undefined, 5432), gatewayService()],
    dns: [makeDNS('shop', 'shop.example.com', [['/cart', 'cart', 8080], ['/web', 'web', 80, true]])],
  };
}
