import test from 'ava';
import type { Service } from '../../common/schema/index.js';
import { GATEWAY_SERVICE, gatewayService } from '../../common/schema/system-services.js';
import { ensureGatewayService } from '../../reconciler/system/gateway-service.js';
import { startTestControlPlane } from '../helpers/control-plane.js';

const ref = { kind: 'Service' as const, namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name };

test('the control plane creates the gateway service at start: ClusterIP 10.96.0.2, node port 30080', async (t) => {
  const { client } = await startTestControlPlane(t);
  const service = await client.get(ref);
  t.like(service?.spec, { type: 'NodePort', clusterIP: '10.96.0.2', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
  t.is(service?.spec.selector, undefined);
});

test('ensuring the gateway service again puts back a drifted spec and recreates a deleted one', async (t) => {
  const { cp } = await startTestControlPlane(t);
  const current = await cp.store.mustGet(ref);
  await cp.store.update<Service>({ ...current, spec: { ...current.spec, ports: [{ port: 8080, protocol: 'TCP', nodePort: 30081 }] } });
  await ensureGatewayService(cp.store);
  t.deepEqual((await cp.store.get(ref))?.spec, gatewayService().spec);
  await cp.store.delete(ref);
  await ensureGatewayService(cp.store);
  t.deepEqual((await cp.store.get(ref))?.spec, gatewayService().spec);
});
