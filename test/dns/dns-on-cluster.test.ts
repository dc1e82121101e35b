import test from 'ava';
import { stringify as toYaml } from 'yaml';
import type { Pod } from '../../reconciler/schema/index.js';
import { waitForPod } from '../helpers/cluster-waits.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';
import { waitForObject } from '../services/waits.js';

const running = (p: Pod) => p.status?.phase === 'Running' && Boolean(p.status.podIP);

const yaml = (o: object) => toYaml(o);
const service = (name: string, port: number, namespace = 'default') =>
  yaml({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port, protocol: 'TCP' }] } });
const sleeper = (name: string, node: string) =>
  yaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeSelector: { 'minik8s.io/hostname': node }, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] }] },
  });

async function clusterIPOf(cluster: TestCluster, name: string, namespace = 'default'): Promise<string> {
  const s = await waitForObject(cluster.client, 'Service', name, (o) => Boolean(o?.spec.clusterIP), { namespace, timeoutMs: 20_000 });
  return s!.spec.clusterIP!;
}

test('pods resolve services by NAME, NAME.NAMESPACE and the full name from their node, and get a clean answer for others', async (t) => {
  const cluster = await startTestCluster(t);
  const [first] = cluster.nodes;
  await cluster.push({ 'web.yaml': service('web', 80), 'db.yaml': service('db', 5432, 'shop'), 'client.yaml': sleeper('client', first!.name) });
  const web = await clusterIPOf(cluster, 'web');
  const db = await clusterIPOf(cluster, 'db', 'shop');
  await waitForPod(cluster.client, 'client', running, 60_000);
  const node = await cluster.client.get({ kind: 'Node', name: first!.name });
  const gateway = node!.spec.podCIDR!.replace(/\.0\/\d+$/, '.1');

  const resolvConf = await cluster.exec('client', ['cat', '/etc/resolv.conf']);
  t.is(resolvConf.stdout, `nameserver ${gateway}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`);

  const lookup = (name: string) => cluster.exec('client', ['nslookup', name]);
  // The agent's caches follow the API by watch; the first answer may lag the allocation a little.
  t.true(await eventually(async () => (await lookup('web')).stdout.includes(`Address: ${web}`), 10_000), 'web resolves');
  for (const name of ['web.default', 'web.default.svc.cluster.local']) t.regex((await lookup(name)).stdout, new RegExp(`Address: ${web.replaceAll('.', '\\.')}$`, 'm'), name);
  t.regex((await lookup('db.shop')).stdout, new RegExp(`Address: ${db.replaceAll('.', '\\.')}$`, 'm'));

  const missing = await lookup('nope.default.svc.cluster.local');
  t.not(missing.exitCode, 0);
  t.regex(missing.stdout + missing.stderr, /NXDOMAIN/);
  // Outside names go to the node's upstream: an answer, or SERVFAIL / REFUSED when it cannot be had, never silence.
  const outside = await lookup('example.com');
  t.regex(outside.stdout + outside.stderr, /Address: |can't find example\.com: (SERVFAIL|REFUSED|NXDOMAIN)/);
  t.notRegex(outside.stdout + outside.stderr, /timed out/);
});
