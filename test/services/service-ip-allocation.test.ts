import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ApiClient } from '../../common/client/api-client.js';
import { ipToNumber } from '../../common/net/address-ranges.js';
import type { Service } from '../../common/schema/index.js';
import { startControlPlane } from '../../reconciler/control-plane.js';
import { waitForEvent, waitForObject } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { TEST_ETCD, uniquePrefix } from '../helpers/etcd.js';
import { testCa, testSecurityConfig } from '../helpers/pki.js';
import { makeService } from './fixtures.js';

const allocated = (s: Service | undefined) => s?.spec.clusterIP !== undefined;
const refused = (s: Service | undefined) => s?.status?.conditions?.some((c) => c.type === 'AddressesAllocated' && c.status === 'False') ?? false;
/** The service as the sync writes it: no uid yet, the store gives one. */
const fromGit = (name: string, spec: Partial<Service['spec']> = {}): Service => {
  const { uid: _u, creationTimestamp: _c, ...metadata } = makeService(name, spec).metadata;
  return { ...makeService(name, spec), metadata };
};

test('a service gets a cluster IP past the reserved ones, and a NodePort service node ports', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await cp.store.create(
    fromGit('web', {
      type: 'NodePort',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    }),
  );
  const web = (await waitForObject(client, 'Service', 'web', (s) => allocated(s) && s!.spec.ports.every((p) => p.nodePort !== undefined)))!;
  t.true(ipToNumber(web.spec.clusterIP!) >= ipToNumber('10.96.0.16') && ipToNumber(web.spec.clusterIP!) <= ipToNumber('10.96.255.254'));
  for (const p of web.spec.ports) t.true(p.nodePort! >= 30000 && p.nodePort! <= 32767);
  t.false(refused(web));
});

test('an address asked for is honoured; asked for again by a second service it is refused, until the first lets go', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await cp.store.create(fromGit('first', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30100 }] }));
  await cp.store.create(fromGit('second', { clusterIP: '10.96.0.20' }));
  const second = (await waitForObject(client, 'Service', 'second', refused))!;
  t.is(second.spec.clusterIP, '10.96.0.20', 'the manifest is not silently overridden');
  const message = 'cluster IP 10.96.0.20 is already allocated to service default/first';
  t.is(second.status?.conditions?.find((c) => c.type === 'AddressesAllocated')?.message, message);
  t.is((await waitForEvent(client, 'ClusterIPAlreadyAllocated', /default\/first/)).involvedObject.name, 'second');
  await cp.store.create(fromGit('third', { type: 'NodePort', ports: [{ port: 81, protocol: 'TCP', nodePort: 30100 }] }));
  t.regex(
    (await waitForObject(client, 'Service', 'third', refused))!.status!.conditions![0]!.message!,
    /node port 30100\/TCP is already allocated to service default\/first/,
  );

  await cp.store.delete({ kind: 'Service', namespace: 'default', name: 'first' });
  t.false(refused(await waitForObject(client, 'Service', 'second', (s) => !refused(s))));
  t.false(refused(await waitForObject(client, 'Service', 'third', (s) => !refused(s))));
});

test('a cluster IP outside the service CIDR is refused with the range', async (t) => {
  const { cp, client } = await startTestControlPlane(t);
  await cp.store.create(fromGit('odd', { clusterIP: '10.97.0.1' }));
  const odd = await waitForObject(client, 'Service', 'odd', refused);
  t.like(odd?.status?.conditions?.[0], { reason: 'ClusterIPNotInRange', message: 'cluster IP 10.97.0.1 is not in the service CIDR 10.96.0.0/16' });
});

test('allocations outlive a control plane restart: nothing moves, and a taken address stays taken', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'minik8s-cp-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const config = {
    apiUrl: 'https://127.0.0.1:0',
    gitUrl: 'https://127.0.0.1:0/git/cluster.git',
    token: 'restart-test-token-0123456789',
    joinToken: 'restart-test-join-0123456789',
    ...testSecurityConfig(),
    etcdEndpoints: [TEST_ETCD],
    etcdPrefix: uniquePrefix(),
    listen: { host: '127.0.0.1', port: 0 },
  };
  const first = await startControlPlane({ config, home });
  await first.store.create(fromGit('web', { type: 'NodePort' }));
  const before = (await waitForObject(
    new ApiClient({ baseUrl: first.url, token: config.token, ca: testCa() }),
    'Service',
    'web',
    (s) => s?.spec.ports[0]?.nodePort !== undefined,
  ))!;
  await first.stop();

  const second = await startControlPlane({ config, home });
  t.teardown(() => second.stop());
  const client = new ApiClient({ baseUrl: second.url, token: config.token, ca: testCa() });
  await second.store.create(fromGit('copy', { clusterIP: before.spec.clusterIP }));
  await waitForObject(client, 'Service', 'copy', refused);
  t.is((await second.store.get({ kind: 'Service', namespace: 'default', name: 'web' }))?.metadata.resourceVersion, before.metadata.resourceVersion);
});
