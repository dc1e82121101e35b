import test from 'ava';
import { stringify as toYaml } from 'yaml';
import { nodeNet } from '../../node-agent/host/node-net.js';
import { ROUTE_PROTO } from '../../node-agent/network/pod-network-controller.js';
import { waitForPod } from '../helpers/cluster-waits.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

const pinnedPod = (name: string, node: string, command: string) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      nodeSelector: { 'minik8s.io/hostname': node },
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'busybox:latest', command: ['sh', '-c', command] }],
    },
  });

test('a pod on one node reaches a pod on another by IP and is seen with its own address', async (t) => {
  const cluster = await startTestCluster(t);
  const [first, , third] = cluster.nodes as [(typeof cluster.nodes)[0], unknown, (typeof cluster.nodes)[0]];
  await cluster.push({
    'server.yaml': pinnedPod('server', third.name, 'mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -vv -p 8080 -h /www'),
    'client.yaml': pinnedPod('client', first.name, 'exec sleep 3600'),
  });
  const running = (p: { status?: { phase?: string; podIP?: string } }) => p.status?.phase === 'Running' && Boolean(p.status.podIP);
  const server = await waitForPod(cluster.client, 'server', running, 60_000);
  const client = await waitForPod(cluster.client, 'client', running, 60_000);
  t.is(server.spec.nodeName, third.name);
  t.is(client.spec.nodeName, first.name);

  // No `-T`: Debian's static busybox wget segfaults when given a timeout.
  const fetched = await cluster.exec('client', ['wget', '-qO-', `http://${server.status!.podIP}:8080/`]);
  t.is(fetched.exitCode, 0, fetched.stderr);
  t.is(fetched.stdout.trim(), 'hello-from-server');
  // No address translation on the way: the server logs the client pod's own IP.
  t.regex(await cluster.logs('server'), new RegExp(`^\\[::ffff:${client.status!.podIP!.replaceAll('.', '\\.')}\\]:\\d+: url:/`, 'm'));
});

test("each node routes every other node's pod subnet via that node, and drops the route when the node leaves", async (t) => {
  const cluster = await startTestCluster(t);
  const { items } = await cluster.client.list('Node');
  const routesOn = async (netns: string) =>
    JSON.parse(await nodeNet(netns).run('ip', ['-j', '-4', 'route', 'show', 'proto', ROUTE_PROTO])) as Array<{ dst: string; gateway: string }>;
  const expectedOn = (node: string) =>
    items
      .filter((n) => n.metadata.name !== node)
      .map((n) => ({ dst: n.spec.podCIDR!, gateway: n.status!.addresses!.find((a) => a.type === 'InternalIP')!.address }))
      .sort((a, b) => a.dst.localeCompare(b.dst));
  const actualOn = async (netns: string) => (await routesOn(netns)).map((r) => ({ dst: r.dst, gateway: r.gateway })).sort((a, b) => a.dst.localeCompare(b.dst));
  // Routes follow the nodes' subnets shortly after the nodes turn Ready; Docker's view has no watch.
  for (const node of cluster.nodes) {
    await eventually(async () => (await actualOn(node.netns)).length === cluster.nodes.length - 1, 10_000);
    t.deepEqual(await actualOn(node.netns), expectedOn(node.name), `routes on ${node.name}`);
  }
  // A node removed from the cluster: the others drop its route.
  const [first, , third] = cluster.nodes as [(typeof cluster.nodes)[0], unknown, (typeof cluster.nodes)[0]];
  await cluster.stopAgent(third.name);
  await cluster.client.delete({ kind: 'Node', name: third.name });
  t.true(await eventually(async () => (await routesOn(first.netns)).every((r) => r.gateway !== third.ip), 10_000));
  t.is((await routesOn(first.netns)).length, 1);
});
