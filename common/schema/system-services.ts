import type { Service } from './service.js';

/** Where the cluster's own components keep their objects. */
export const SYSTEM_NAMESPACE = 'minik8s-system';

/**
 * The gateway (gateway/): the address every DNS-kind host resolves to. Selectorless, so the gateway
 * process writes its own Endpoints; reachable from the host on every node's IP at the node port.
 */
export const GATEWAY_SERVICE = { namespace: SYSTEM_NAMESPACE, name: 'gateway', clusterIP: '10.96.0.2', port: 80, nodePort: 30080 } as const;

/** The gateway Service as the control plane creates it at start (not from Git, so sync never prunes it). */
export function gatewayService(): Service {
  const { namespace, name, clusterIP, port, nodePort } = GATEWAY_SERVICE;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { 'minik8s.io/component': 'gateway' } },
    spec: { type: 'NodePort', clusterIP, ports: [{ protocol: 'TCP', port, nodePort }] },
  };
}
