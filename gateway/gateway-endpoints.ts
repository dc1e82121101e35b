import { type ApiClient, ApiError } from '../common/client/api-client.js';
import type { Endpoints } from '../common/schema/index.js';
import { GATEWAY_SERVICE } from '../common/schema/system-services.js';

/** The gateway service's Endpoints: this gateway process, since the service has no selector. */
export function gatewayEndpoints(ip: string, port: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name },
    subsets: [{ addresses: [{ ip }], ports: [{ port, protocol: 'TCP' }] }],
  };
}

/** Writes (creates or replaces) the gateway's Endpoints. */
export async function publishGatewayEndpoints(api: Pick<ApiClient, 'create' | 'update'>, ip: string, port: number): Promise<void> {
  const endpoints = gatewayEndpoints(ip, port);
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
