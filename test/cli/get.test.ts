import { createServer } from 'node:net';
import test from 'ava';
import { LABEL_MANAGED_BY, MANAGED_BY_GIT, type Pod } from '../../common/schema/index.js';
import { recordEvent } from '../../reconciler/api/events.js';
import { startTestApi } from '../helpers/api-server.js';
import { makeNode, makePod } from '../helpers/fixtures.js';
import { testSecurityConfig } from '../helpers/pki.js';
import { mkctlInProcess, runMkctl, writeTestConfig } from './run-mkctl.js';

function pod(name: string, namespace = 'default'): Pod {
  const p = makePod(name);
  p.metadata.namespace = namespace;
  p.metadata.labels = { app: name.split('-')[0]!, [LABEL_MANAGED_BY]: MANAGED_BY_GIT };
  return p;
}

async function cluster(t: Parameters<typeof startTestApi>[0]) {
  const api = await startTestApi(t);
  const config = await writeTestConfig(t, api.url);
  return { ...api, mkctl: (...args: string[]) => mkctlInProcess(config, args) };
}

test.serial('get po prints a kubectl table of the namespace', async (t) => {
  const { store, mkctl } = await cluster(t);
  await store.create(pod('web-1'));
  await store.updateStatus(
    { kind: 'Pod', namespace: 'default', name: 'web-1' },
    {
      phase: 'Running',
      podIP: '10.244.0.7',
      containerStatuses: [{ name: 'c', image: 'busybox:latest', ready: true, restartCount: 1, state: { running: { startedAt: new Date().toISOString() } } }],
    },
  );
  await store.create(pod('db-1'));
  await store.create(pod('api-1', 'prod'));

  const r = await mkctl('get', 'po');
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  t.regex(lines.find((l) => l.startsWith('web-1'))!, /^web-1\s+1\/1\s+Running\s+1\s+\d+s$/);
  t.regex(lines.find((l) => l.startsWith('db-1'))!, /^db-1\s+0\/1\s+Pending\s+0\s+\d+s$/);
  t.is(lines.length, 3);

  const wide = await mkctl('get', 'pods', 'web-1', '-o', 'wide');
  t.regex(wide.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+IP\s+NODE\s+AGE\nweb-1\s+.*10\.244\.0\.7\s+<none>/);

  const all = await mkctl('get', 'po', '-A', '-l', 'app=api');
  t.regex(all.stdout, /^NAMESPACE\s+NAME\s+READY.*\nprod\s+api-1\s+/);
});

test.serial('get -o json of a list is a kubectl List; of one name, the object', async (t) => {
  const { store, mkctl } = await cluster(t);
  await store.create(pod('web-1'));
  await store.create(pod('web-2'));
  const list = await mkctl('get', 'po', '-o', 'json');
  const parsed = JSON.parse(list.stdout) as { apiVersion: string; kind: string; items: Pod[] };
  t.is(parsed.kind, 'List');
  t.is(parsed.apiVersion, 'v1');
  t.deepEqual(parsed.items.map((p) => p.metadata.name).sort(), ['web-1', 'web-2']);

  const one = JSON.parse((await mkctl('get', 'pod', 'web-2', '-o', 'json')).stdout) as Pod;
  t.is(one.kind, 'Pod');
  t.is(one.metadata.name, 'web-2');
  t.regex((await mkctl('get', 'po', 'web-1', '-o', 'yaml')).stdout, /^apiVersion: v1\nkind: Pod\n/);
});

test.serial('get of several kinds prints one table per kind, names prefixed with the kind', async (t) => {
  const { store, mkctl } = await cluster(t);
  await store.create(pod('web-1'));
  await store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] },
  });
  const r = await mkctl('get', 'po,svc');
  t.is(r.code, 0, r.stderr);
  const [pods, services] = r.stdout.trimEnd().split('\n\n');
  t.regex(pods!, /\npod\/web-1\s+0\/1\s+Pending/);
  t.regex(services!, /^NAME\s+TYPE\s+CLUSTER-IP\s+PORT\(S\)\s+AGE\nservice\/web\s+ClusterIP\s+<none>\s+80\/TCP\s+/);
});

test.serial('an empty namespace says no resources were found', async (t) => {
  const { mkctl } = await cluster(t);
  const r = await mkctl('get', 'deploy', '-n', 'empty');
  t.is(r.code, 0);
  t.is(r.stdout, '');
  t.is(r.stderr, 'No resources found in empty namespace.\n');
});

test.serial('user mistakes are one line on stderr and exit 1', async (t) => {
  const { mkctl, url } = await cluster(t);
  const unknown = await mkctl('get', 'foo');
  t.is(unknown.code, 1);
  t.is(unknown.stderr, 'error: the server doesn\'t have a resource type "foo"\n');

  const missing = await mkctl('get', 'po', 'nope');
  t.is(missing.code, 1);
  t.is(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');

  const described = await mkctl('describe', 'svc', 'nope');
  t.is(described.stderr, 'Error from server (NotFound): services "nope" not found\n');

  const badFormat = await mkctl('get', 'po', '-o', 'xml');
  t.is(badFormat.code, 1);
  t.regex(badFormat.stderr, /^error: unable to match a printer suitable for the output format "xml"/);
  t.truthy(url);
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('an unreachable API is one line naming the URL, and the process exits 1', async (t) => {
  const port = await closedPort();
  const config = await writeTestConfig(t, `http://127.0.0.1:${port}`);
  const r = await runMkctl(config, ['get', 'po']);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.is(r.stderr, `error: the cluster is not reachable at http://127.0.0.1:${port} (ECONNREFUSED); is it up? (npm start)\n`);
});

test.serial('describe shows the object and its events', async (t) => {
  const { store, mkctl } = await cluster(t);
  const created = await store.create(pod('web-1'));
  await recordEvent(store, created, 'Normal', 'Scheduled', 'Successfully assigned default/web-1 to node-1', { component: 'scheduler' });
  await recordEvent(store, { kind: 'Pod', namespace: 'default', name: 'other' }, 'Normal', 'Scheduled', 'not this one', { component: 'scheduler' });
  const r = await mkctl('describe', 'po', 'web-1');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Name:\s+web-1\nNamespace:\s+default\n/);
  t.regex(r.stdout, /Labels:\s+app=web\n\s+app\.kubernetes\.io\/managed-by=minik8s-git\n/);
  t.regex(
    r.stdout,
    /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n.*\n\s+Normal\s+Scheduled\s+\d+s\s+scheduler\s+Successfully assigned default\/web-1 to node-1\n$/,
  );
  t.false(r.stdout.includes('not this one'));
});

test.serial('cluster info prints the API, the Git URL with its credential, Prometheus, the console and the nodes', async (t) => {
  const { store, mkctl, url } = await cluster(t);
  const node = makeNode('node-1');
  node.status!.addresses = [{ type: 'InternalIP', address: '192.168.1.10' }];
  await store.create(node);

  const json = JSON.parse((await mkctl('cluster', 'info', '-o', 'json')).stdout) as Record<string, unknown>;
  t.deepEqual(json, {
    api: url,
    git: 'https://127.0.0.1:6443/git/cluster.git',
    gitCredentials: { username: 'minik8s', password: 'test-cluster-token-0123456789' },
    prometheus: { url: 'http://127.0.0.1:9090', viaApi: `${url}/minik8s/v1/prometheus/api/v1/` },
    console: `${url}/console/`,
    certificateAuthority: testSecurityConfig().caFile,
    nodes: [{ name: 'node-1', status: 'Ready', internalIP: '192.168.1.10' }],
  });

  const text = (await mkctl('cluster', 'info')).stdout;
  t.true(
    text.startsWith(
      `API server:      ${url}\nGit repository:  https://127.0.0.1:6443/git/cluster.git\n` +
        'Git credential:  user minik8s, password test-cluster-token-0123456789\n',
    ),
  );
  t.true(text.includes(`Cluster CA:      ${testSecurityConfig().caFile}\n                 (git -c http.sslCAInfo=${testSecurityConfig().caFile} clone ...`));
  t.true(text.includes('Prometheus:      http://127.0.0.1:9090   (loopback on the control-plane host)\n'));
  t.true(text.includes(`Web console:     ${url}/console/`));
  t.regex(text, /NAME\s+STATUS\s+ROLES\s+INTERNAL-IP\s+AGE\nnode-1\s+Ready\s+<none>\s+192\.168\.1\.10\s+/);
});
