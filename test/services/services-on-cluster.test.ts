import { text } from 'node:stream/consumers';
import test from 'ava';
import { Agent } from 'undici';
import { stringify as toYaml } from 'yaml';
import type { Endpoints, Pod, Service } from '../../common/schema/index.js';
import { nodeNet } from '../../node-agent/host/node-net.js';
import { DockerExec } from '../../node-agent/runtime/docker-exec.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { waitForObject, waitForPod } from '../helpers/cluster-waits.js';
import { testCa } from '../helpers/pki.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

const running = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true && Boolean(p.status?.podIP);
const ips = (e: Endpoints | undefined) => e?.subsets.flatMap((s) => s.addresses.map((a) => a.ip)) ?? [];

function pod(name: string, node: string, labels: Record<string, string>, container: Record<string, unknown>): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { nodeSelector: { 'minik8s.io/hostname': node }, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', ...container }] },
  });
}

/** busybox httpd answering every request with the pod's hostname (its name). */
const webPod = (name: string, node: string) =>
  pod(
    name,
    node,
    { app: 'web' },
    {
      image: 'busybox:latest',
      command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
      ports: [{ name: 'http', containerPort: 8080 }],
    },
  );
const sleeper = (name: string, node: string, image = 'busybox:latest') => pod(name, node, { role: 'client' }, { image, command: ['sleep', '3600'] });
const service = (name: string, spec: Partial<Service['spec']>) =>
  toYaml({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ...spec } });

// `timeout`, not wget's -T: Debian's static busybox 1.35 wget crashes (SIGSEGV) when given -T.
const fetchLoop = (url: string, n: number) => ['sh', '-c', `for i in $(seq ${n}); do timeout 3 wget -qO- ${url} || echo FAILED; done`];

/** Fetches the URL `n` times from inside a pod (busybox wget, through the API's exec) and returns the bodies, one per request. */
async function fetchFromPod(cluster: TestCluster, from: string, url: string, n: number): Promise<string[]> {
  return (await cluster.exec(from, fetchLoop(url, n))).stdout.trim().split('\n');
}

/** The same straight through the node's dockerd: for when its agent is down. */
async function fetchThroughDocker(node: TestCluster['nodes'][number], from: string, url: string, n: number): Promise<string[]> {
  const [container] = await node.docker.listContainers({ filters: { label: [`${LABELS.podName}=${from}`, `${LABELS.container}=main`] } });
  const session = await new DockerExec(node.docker).exec(container!.Id, { command: fetchLoop(url, n), tty: false, stdin: false });
  return (await text(session.stdout)).trim().split('\n');
}

/** Whether the node's nat table sends anything to `ip` (iptables-save in its namespace). */
async function natMentions(netns: string, ip: string): Promise<boolean> {
  return (await nodeNet(netns).run('iptables-save', ['-t', 'nat'])).includes(`--to-destination ${ip}:`);
}

test('a cluster IP spreads requests over Ready pods on every node, follows a pod removed from Git, rejects when empty, and outlives its agent', async (t) => {
  const cluster = await startTestCluster(t);
  const [n1, n2, n3] = cluster.nodes.map((n) => n.name) as [string, string, string];
  await cluster.push({
    'web.yaml': service('web', { ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] }),
    'nobody.yaml': service('nobody', { ports: [{ port: 80, protocol: 'TCP' }] }),
    'web-1.yaml': webPod('web-1', n1),
    'web-2.yaml': webPod('web-2', n2),
    'web-3.yaml': webPod('web-3', n3),
    'client.yaml': sleeper('client', n1),
  });
  const pods = await Promise.all(['web-1', 'web-2', 'web-3', 'client'].map((name) => waitForPod(cluster.client, name, running, 90_000)));
  const web = (await waitForObject(cluster.client, 'Service', 'web', (s) => Boolean(s?.spec.clusterIP)))!;
  await waitForObject(cluster.client, 'Endpoints', 'web', (e) => ips(e).length === 3);
  const web3 = pods[2]!.status!.podIP!;
  for (const node of cluster.nodes) t.true(await eventually(() => natMentions(node.netns, web3), 10_000), `rules on ${node.name}`);

  const answers = await fetchFromPod(cluster, 'client', `http://${web.spec.clusterIP}/`, 60);
  t.is(answers.length, 60);
  t.deepEqual([...new Set(answers)].sort(), ['web-1', 'web-2', 'web-3'], 'every request answered, by each of the three pods');

  // Removed from Git: out of the endpoints within a second, and the others keep answering.
  await cluster.push({ 'web-3.yaml': null }, 'remove web-3');
  const removedAt = Date.now();
  await waitForObject(cluster.client, 'Endpoints', 'web', (e) => ips(e).length === 2 && !ips(e).includes(web3));
  const elapsed = Date.now() - removedAt;
  t.true(elapsed < 1000, `endpoints updated ${elapsed} ms after the push`);
  t.true(await eventually(async () => !(await natMentions(cluster.nodes[0]!.netns, web3)), 5000));
  const after = await fetchFromPod(cluster, 'client', `http://${web.spec.clusterIP}/`, 20);
  t.deepEqual([...new Set(after)].sort(), ['web-1', 'web-2']);

  // No endpoints: refused at once, not left to time out.
  const nobody = (await waitForObject(cluster.client, 'Service', 'nobody', (s) => Boolean(s?.spec.clusterIP)))!;
  // Its rejecting rule is on the client's node once the agent has seen the allocated address.
  t.true(await eventually(async () => (await nodeNet(cluster.nodes[0]!.netns).run('iptables-save', [])).includes(`-d ${nobody.spec.clusterIP}/32`), 5000));
  const started = Date.now();
  const refused = await cluster.exec('client', ['timeout', '5', 'wget', '-qO-', `http://${nobody.spec.clusterIP}/`]);
  t.not(refused.exitCode, 0);
  t.regex(refused.stderr, /refused/i);
  t.true(Date.now() - started < 2000, 'rejected, not timed out');

  // The agent stops: the rules stay and the service still answers; a new agent writes them again in place.
  await cluster.stopAgent(n1);
  t.deepEqual([...new Set(await fetchThroughDocker(cluster.nodes[0]!, 'client', `http://${web.spec.clusterIP}/`, 20))].sort(), ['web-1', 'web-2']);
  // A jump lost meanwhile is put back by the next agent, and the ones in place are not doubled.
  const net = nodeNet(cluster.nodes[0]!.netns);
  await net.run('iptables', ['-w', '-t', 'nat', '-D', 'PREROUTING', '-m', 'comment', '--comment', 'minik8s service portals', '-j', 'MINIK8S-SERVICES']);
  await cluster.startAgent(n1);
  const jumps = async (chain: string) =>
    (await net.run('iptables-save', ['-t', 'nat'])).split('\n').filter((l) => l.startsWith(`-A ${chain} `) && l.endsWith('-j MINIK8S-SERVICES')).length;
  t.true(await eventually(async () => (await jumps('PREROUTING')) === 1, 20_000));
  t.is(await jumps('OUTPUT'), 1);
});

test('a NodePort answers on every node IP from the host, also for an endpoint outside the pod network; a UDP service answers on its cluster IP', async (t) => {
  const cluster = await startTestCluster(t);
  const [n1, n2, n3] = cluster.nodes.map((n) => n.name) as [string, string, string];
  const udpEcho = [
    'import socket',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    "s.bind(('0.0.0.0', 5300))",
    'while True:',
    '    data, peer = s.recvfrom(512)',
    "    s.sendto(socket.gethostname().encode() + b' ' + data, peer)",
  ].join('\n');
  await cluster.push({
    'web.yaml': service('web', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    'web-1.yaml': webPod('web-1', n2),
    'echo.yaml': service('echo', { ports: [{ name: 'echo', port: 53, targetPort: 'echo', protocol: 'UDP' }] }),
    'echo-1.yaml': pod(
      'echo-1',
      n3,
      { app: 'echo' },
      { image: 'python:latest', command: ['python3', '-u', '-c', udpEcho], ports: [{ name: 'echo', containerPort: 5300, protocol: 'UDP' }] },
    ),
    'client.yaml': sleeper('client', n1, 'python:latest'),
    // Selectorless, its Endpoints written by hand (as the gateway does): the control plane's own address.
    'outside.yaml': toYaml({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'outside' },
      spec: { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] },
    }),
  });
  const cpPort = Number(new URL(cluster.cp.url).port);
  await cluster.cp.store.create<Endpoints>({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'outside', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.100.0.1' }], ports: [{ port: cpPort, protocol: 'TCP' }] }],
  });
  await Promise.all(['web-1', 'echo-1', 'client'].map((name) => waitForPod(cluster.client, name, running, 120_000)));
  const web = (await waitForObject(cluster.client, 'Service', 'web', (s) => s?.spec.ports[0]?.nodePort !== undefined))!;
  const echo = (await waitForObject(cluster.client, 'Service', 'echo', (s) => Boolean(s?.spec.clusterIP)))!;
  await waitForObject(cluster.client, 'Endpoints', 'web', (e) => ips(e).length === 1);
  await waitForObject(cluster.client, 'Endpoints', 'echo', (e) => ips(e).length === 1);

  for (const node of cluster.nodes) {
    const url = `http://${node.ip}:${web.spec.ports[0]!.nodePort}/`;
    // The node's rules follow the Endpoints a moment later: asked until it answers, then it must be web-1.
    let body = '';
    t.true(
      await eventually(
        async () =>
          (body = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
            (r) => r.text(),
            () => '',
          )) !== '',
        10_000,
      ),
      url,
    );
    t.is(body.trim(), 'web-1', url);
  }

  // An endpoint outside the pod network, reached through another node's port: forwarded and masqueraded.
  const outside = (await waitForObject(cluster.client, 'Service', 'outside', (s) => s?.spec.ports[0]?.nodePort !== undefined))!;
  const outsideUrl = `https://${cluster.nodes[1]!.ip}:${outside.spec.ports[0]!.nodePort}/api/v1/nodes`;
  // The API's certificate names the control plane's addresses, not the node's: the CA is checked, the name is not.
  const dispatcher = new Agent({ connect: { ca: testCa(), checkServerIdentity: () => undefined } });
  t.teardown(() => dispatcher.close());
  const askApi = () =>
    fetch(outsideUrl, { signal: AbortSignal.timeout(2000), dispatcher } as RequestInit).then(
      (r) => r.status,
      () => 0,
    );
  let status = 0;
  t.true(await eventually(async () => (status = await askApi()) !== 0, 10_000), outsideUrl);
  t.is(status, 401, 'the API server answered (without a token)');

  const ask = [
    'import socket, sys',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    's.settimeout(2)',
    "s.sendto(b'ping', (sys.argv[1], 53))",
    'print(s.recvfrom(512)[0].decode())',
  ].join('\n');
  let reply = '';
  t.true(await eventually(async () => (reply = (await cluster.exec('client', ['python3', '-c', ask, echo.spec.clusterIP!])).stdout.trim()) !== '', 10_000));
  t.is(reply, 'echo-1 ping');
});
