import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { stringify as toYaml } from 'yaml';
import { httpCall } from '../functions/function-http-call.js';
import { waitForObject, waitForPod } from '../helpers/cluster-waits.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { startTestPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

/** A pod whose own metrics endpoint is a file busybox' httpd serves: a user's custom metric, as Prometheus sees one. */
const metricsPodYaml = (name: string, value: number) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/stats' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: 'busybox:latest',
          command: ['sh', '-c', `mkdir /www && printf 'shop_orders_total %s\\n' ${value} > /www/stats && exec httpd -f -p 8000 -h /www`],
        },
      ],
    },
  });

const BOUND_MS = 15_000;

test(
  'the scrape token reads metrics and targets only; nodes, agents, the control plane, the gateway and an annotated pod are discovered and scraped; ' +
    'a pod and a node come and go within the bounds; the calls of a function are counted end to end',
  async (t) => {
    // About 2 minutes of its own, after waiting for the test nodes while another cluster test holds them.
    t.timeout(360_000);
    const cluster = await startTestCluster(t);
    const token = cluster.config.metricsToken!;
    const get = (path: string, bearer = token) => fetch(`${cluster.cp.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    t.is((await get('/metrics')).status, 200);
    const sd = await get('/minik8s/v1/sd/nodes?role=node-exporter');
    t.is(sd.headers.get('content-type'), 'application/json; charset=utf-8');
    t.is(((await sd.json()) as unknown[]).length, 3);
    t.is((await get('/minik8s/v1/sd/nodes?role=bogus')).status, 400);
    t.is((await get('/api/v1/namespaces/default/pods')).status, 401, 'the scrape token is no API credential');
    t.is((await get('/minik8s/v1/sd/pods', 'not-a-token')).status, 401);
    // The gateway as npm start runs it, with the scrape token for its /metrics.
    const tokenDir = await mkdtemp(join(tmpdir(), 'minik8s-scrape-'));
    t.teardown(() => rm(tokenDir, { recursive: true, force: true }));
    const tokenFile = join(tokenDir, 'token');
    await writeFile(tokenFile, token, { mode: 0o600 });
    await startGatewayProcess(t, cluster, ['--metrics-token-file', tokenFile]);
    const agent = cluster.nodes[0]!;
    const agentGet = (path: string, bearer = token) => fetch(`https://${agent.ip}:10250${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    t.is((await agentGet('/metrics/cadvisor')).status, 200);
    t.is((await agentGet('/containerLogs/default/x/y')).status, 401, "the scrape token opens no pod's logs");
    t.is((await agentGet('/metrics', 'nope')).status, 401);
    const apiUrl = `https://127.0.0.1:${new URL(cluster.cp.url).port}`;
    const prometheus: TestPrometheus = await startTestPrometheus({ apiUrl, metricsToken: cluster.config.metricsToken! });
    t.teardown(() => prometheus.stop());
    const up = async (pool: string, count: number) => (await prometheus.targets()).filter((x) => x.scrapePool === pool && x.health === 'up').length >= count;
    const explain = async () => JSON.stringify((await prometheus.targets()).map((x) => [x.scrapePool, x.labels.instance, x.health, x.lastError]));

    for (const pool of ['node-exporter', 'minik8s-agent', 'cadvisor'])
      t.true(await eventually(() => up(pool, 3), 30_000), `${pool} targets up: ${await explain()}`);
    for (const pool of ['minik8s-control-plane', 'gateway']) t.true(await eventually(() => up(pool, 1), 30_000), `${pool} up: ${await explain()}`);
    t.is((await prometheus.query('count(node_load1)'))[0]?.value[1], '3', 'one node_load1 per node, from the node exporters');
    t.true((await prometheus.query('sum(apiserver_request_total)')).length > 0, 'API request counts scraped from the control plane');
    t.true((await prometheus.query('workqueue_adds_total{name="node-lifecycle"}')).length > 0, 'work-queue series scraped from the control plane');

    await cluster.push({ 'shop.yaml': metricsPodYaml('shop', 42) });
    const pod = await waitForPod(cluster.client, 'shop', (p) => p.status?.phase === 'Running', 60_000);
    const running = Date.now();
    const sampled = await eventually(async () => (await prometheus.query('shop_orders_total{namespace="default",pod="shop"}'))[0]?.value[1] === '42', BOUND_MS);
    t.true(sampled, `the pod's own metric is in Prometheus within ${BOUND_MS / 1000} s of the pod running: ${await explain()}`);
    t.log(`pod running → first sample: ${Date.now() - running} ms`);
    const [series] = await prometheus.query('shop_orders_total');
    t.like(series?.metric, { job: 'pods', namespace: 'default', pod: 'shop', app: 'shop', node: pod.spec.nodeName, instance: `${pod.status?.podIP}:8000` });
    t.true(
      await eventually(async () => (await prometheus.query('container_memory_working_set_bytes{pod="shop",container="main"}')).length === 1, BOUND_MS),
      "the pod's container in the agent's cAdvisor series",
    );

    await cluster.push({ 'shop.yaml': null });
    await waitForObject(cluster.client, 'Pod', 'shop', (p) => !p, { timeoutMs: 60_000 });
    const gone = await eventually(async () => !(await prometheus.targets()).some((x) => x.scrapePool === 'pods' && x.labels.pod === 'shop'), BOUND_MS);
    t.true(gone, `the deleted pod's target is dropped within ${BOUND_MS / 1000} s: ${await explain()}`);

    // A function's calls, end to end: answered through the gateway, counted in its series and the control plane's, scraped.
    const fn = await cluster.push({
      'functions/hello/handler.py': 'def handle(event, context):\n    return {"hello": "world"}\n',
      'hello-fn.yaml': toYaml({
        apiVersion: 'minik8s.io/v1',
        kind: 'Function',
        metadata: { name: 'hello' },
        spec: { source: 'functions/hello/', public: true },
      }),
    });
    await waitForObject(cluster.client, 'Function', 'hello', (f) => f?.status?.revision === fn.revision, { timeoutMs: 30_000 });
    for (let i = 0; i < 3; i++) t.is((await httpCall(`http://${agent.ip}/function/hello`)).status, 200);
    const seriesIs = async (query: string, value: string) => (await prometheus.query(query))[0]?.value[1] === value;
    const fnSeries = {
      'sum(minik8s_function_calls_total{namespace="default",function="hello",code="200"})': '3',
      'sum(minik8s_function_duration_seconds_count{function="hello"})': '3',
      'sum(minik8s_function_cold_starts_total{function="hello"})': '1',
      'sum(minik8s_function_invocations_total{function="hello"})': '3',
    };
    for (const [query, value] of Object.entries(fnSeries))
      t.true(await eventually(() => seriesIs(query, value), 30_000), `${query} = ${value}: ${JSON.stringify(await prometheus.query(query))}`);

    // A node that leaves (its agent stopped, its Node deleted) is dropped from every node pool; when it joins again it
    // is scraped once more, both within the bounds and with no reload of Prometheus.
    const nodeTargets = async (name: string) =>
      (await prometheus.targets()).filter((x) => ['node-exporter', 'minik8s-agent', 'cadvisor'].includes(x.scrapePool) && x.labels.node === name);
    const leaving = cluster.nodes[2]!;
    await cluster.stopAgent(leaving.name);
    await cluster.client.delete({ kind: 'Node', name: leaving.name });
    const left = Date.now();
    t.true(await eventually(async () => (await nodeTargets(leaving.name)).length === 0, BOUND_MS), `a deleted node is dropped: ${await explain()}`);
    t.log(`node deleted → its targets dropped: ${Date.now() - left} ms`);
    await cluster.startAgent(leaving.name);
    await waitForObject(cluster.client, 'Node', leaving.name, (n) => n !== undefined, { timeoutMs: 60_000 });
    const joined = Date.now();
    const scraped = await eventually(async () => {
      const targets = await nodeTargets(leaving.name);
      return targets.length === 3 && targets.every((x) => x.health === 'up');
    }, BOUND_MS);
    t.true(scraped, `a node that joins is scraped within ${BOUND_MS / 1000} s of registering: ${await explain()}`);
    t.log(`node registered → all three of its targets up: ${Date.now() - joined} ms`);
  },
);
