import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import test from 'ava';
import { stringify as toYaml } from 'yaml';
import type { Pod } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { waitForObject, waitForPod } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

const running = (p: Pod) => p.status?.phase === 'Running' && Boolean(p.status.podIP);

const yaml = (o: object) => toYaml(o);
const service = (name: string, port: number, namespace = 'default') =>
  yaml({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port, protocol: 'TCP' }] } });
const sleeper = (name: string, node: string) =>
  yaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeSelector: { 'minik8s.io/hostname': node },
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] }],
    },
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
  for (const name of ['web.default', 'web.default.svc.cluster.local'])
    t.regex((await lookup(name)).stdout, new RegExp(`Address: ${web.replaceAll('.', '\\.')}$`, 'm'), name);
  t.regex((await lookup('db.shop')).stdout, new RegExp(`Address: ${db.replaceAll('.', '\\.')}$`, 'm'));

  const missing = await lookup('nope.default.svc.cluster.local');
  t.not(missing.exitCode, 0);
  t.regex(missing.stdout + missing.stderr, /NXDOMAIN/);
  // Outside names go to the node's upstream: an answer, or SERVFAIL / REFUSED when it cannot be had, never silence.
  const outside = await lookup('example.com');
  t.regex(outside.stdout + outside.stderr, /Address: |can't find example\.com: (SERVFAIL|REFUSED|NXDOMAIN)/);
  t.notRegex(outside.stdout + outside.stderr, /timed out/);
});

function httpGet(ip: string, port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path, headers: { host }, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject).end();
  });
}

test('a DNS manifest routes each path to its own service, from a pod by name and from the host through the node port', async (t) => {
  const cluster = await startTestCluster(t);
  await startGatewayProcess(t, cluster);
  const [first, second] = cluster.nodes;
  // The example from cluster-repo: shop.example.com, /cart (prefix stripped) and /store (prefix kept).
  await cluster.push({
    'shop.yaml': await readFile(new URL('../../cluster-repo/apps/shop.yaml', import.meta.url), 'utf8'),
    'client.yaml': sleeper('client', first!.name),
  });
  for (const name of ['cart', 'storefront', 'client']) await waitForPod(cluster.client, name, running, 60_000);
  const cartIP = await clusterIPOf(cluster, 'cart');

  const fetchFromPod = async (path: string) => {
    const r = await cluster.exec('client', ['wget', '-qO-', `http://shop.example.com${path}`]);
    return r.exitCode === 0 ? r.stdout : `exit ${r.exitCode}: ${r.stderr}`;
  };
  // Service rules reach the nodes by watch; nothing to wait on but the answer itself.
  t.true(await eventually(async () => (await fetchFromPod('/cart')) === 'cart: empty\n', 20_000), await fetchFromPod('/cart'));
  t.is(await fetchFromPod('/store/'), 'storefront: welcome\n');
  t.regex(await fetchFromPod('/elsewhere'), /404/);

  // From the host: the gateway's node port on any node, the host name in the Host header. On the other
  // nodes the connection is forwarded to the gateway's node, not to a pod.
  for (const node of [first!, second!]) {
    const get = (path: string) =>
      httpGet(node.ip, GATEWAY_SERVICE.nodePort, 'shop.example.com', path).catch((err: Error) => ({ status: 0, body: err.message }));
    t.true(await eventually(async () => (await get('/cart')).status === 200, 10_000), `${node.name}: ${JSON.stringify(await get('/cart'))}`);
    t.deepEqual(await get('/cart'), { status: 200, body: 'cart: empty\n' });
    t.deepEqual(await get('/store/index.html'), { status: 200, body: 'storefront: welcome\n' });
    t.deepEqual(await get('/elsewhere'), { status: 404, body: 'no path of host "shop.example.com" matches "/elsewhere"\n' });
  }

  const described = await runMkctl(cluster.configPath, ['describe', 'dns', 'shop']);
  t.regex(described.stdout, new RegExp(`/cart +cart +8080 +${cartIP.replaceAll('.', '\\.')} +stripped`));
  t.regex((await runMkctl(cluster.configPath, ['get', 'dns'])).stdout, /^shop +shop\.example\.com +\/cart→cart:8080,\/store→storefront:80 /m);
});
