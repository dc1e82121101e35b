import { type ApiClient, ApiError } from '../common/client/api-client.js';
import type { Endpoints } from '../common/schema/index.js';
import { GATEWAY_SERVICE } from '../common/schema/system-services.js';

/**
 * The gateway service's Endpoints: this gateway process, since the service has no selector. With a metrics
 * port, annotated as a pod is for Prometheus (the control plane's gateway discovery reads them).
 */
export function gatewayEndpoints(ip: string, port: number, metricsPort?: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      namespace: GATEWAY_SERVICE.namespace,
      name: GATEWAY_SERVICE.name,
      ...(metricsPort !== undefined && { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort) } }),
    },
    subsets: [{ addresses: [{ ip }], ports: [{ port, protocol: 'TCP' }] }],
  };
}

/** Writes (creates or replaces) the gateway's Endpoints. */
export async function publishGatewayEndpoints(api: Pick<ApiClient, 'create' | 'update'>, ip: string, port: number, metricsPort?: number): Promise<void> {
  const endpoints = gatewayEndpoints(ip, port, metricsPort);
  try {
    await api.update(endpoints);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    await api.create(endpoints);
  }
}

/** Removes the gateway's Endpoints, so the service has no backend while no gateway runs. */
export async function withdrawGatewayEndpoints(api: Pick<ApiClient, 'delete'>): Promise<void> {
  await api.delete({ kind: 'Endpoints', namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name });
}
