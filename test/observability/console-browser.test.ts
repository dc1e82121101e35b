import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { stringify as toYaml } from 'yaml';
import { launchChromium } from '../helpers/browser.js';
import { waitForPod } from '../helpers/cluster-waits.js';
import { freePort, startTestPrometheus } from '../helpers/prometheus.js';
import { startTestCluster } from '../helpers/test-cluster.js';
import { eventually } from '../node-agent/agent-harness.js';

const podYaml = (name: string, command: string) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:latest', command: ['sh', '-c', command] }] },
  });

test('the console signs in with the token, shows a pod created meanwhile without a reload, and graphs its usage', async (t) => {
  // About 2 minutes of its own, after waiting for the test nodes while another cluster test holds them.
  t.timeout(360_000);
  const promPort = await freePort();
  const cluster = await startTestCluster(t, { controlPlane: { clusterConfig: { prometheusUrl: `http://127.0.0.1:${promPort}` } } });
  const apiUrl = `https://127.0.0.1:${new URL(cluster.cp.url).port}`;
  const prometheus = await startTestPrometheus({ apiUrl, metricsToken: cluster.config.metricsToken!, port: promPort });
  t.teardown(() => prometheus.stop());
  // A little CPU and some output, for the graphs and the log pane.
  await cluster.push({ 'busy.yaml': podYaml('busy', 'while true; do echo tick; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1; done') });
  await waitForPod(cluster.client, 'busy', (p) => p.status?.phase === 'Running', 60_000);
  t.true(
    await eventually(async () => (await prometheus.query('container_cpu_usage_seconds_total{pod="busy"}')).length > 0, 30_000),
    'the pod is in Prometheus before the page asks',
  );

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.context.newPage();
  await page.goto(`${apiUrl}/console/`);
  await page.fill('input[name=token]', 'not-the-token');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=that token is not a cluster token');
  await page.fill('input[name=token]', cluster.config.token);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Nodes Ready');
  await page.waitForSelector('.card >> text=3/3');

  const cookie = (await browser.context.cookies()).find((c) => c.name === 'minik8s_console');
  t.true(cookie?.httpOnly, 'the session cookie is out of scripts’ reach');
  t.is(cookie?.sameSite, 'Strict');
  const writeWithCookie = await page.evaluate(
    async () =>
      (
        await fetch('/api/v1/namespaces/default/events', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(10_000),
        })
      ).status,
  );
  t.is(writeWithCookie, 401, 'the cookie reads, it never writes');

  await page.click('#nav >> text=Pods');
  await page.waitForSelector('[data-testid=pods-table] >> text=busy');
  await cluster.push({ 'fresh.yaml': podYaml('fresh', 'sleep 3600') });
  await page.waitForSelector('[data-testid=pods-table] >> text=fresh', { timeout: 30_000 });
  t.pass('a pod created after the page loaded shows up from the watch, with no reload');

  await page.click('[data-testid=pods-table] >> text=busy');
  await page.waitForSelector('text=Pod default/busy');
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('[data-testid=chart]')].some((e) => Number(e.dataset.points) > 0), undefined, {
    timeout: 30_000,
  });
  await page.waitForSelector('.logs >> text=tick');

  await page.click('#nav >> text=Overview');
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('[data-testid=chart]')].some((e) => Number(e.dataset.points) > 0), undefined, {
    timeout: 30_000,
  });
  const shot = process.env.MINIK8S_CONSOLE_SCREENSHOT ?? join(await mkdtemp(join(tmpdir(), 'minik8s-console-')), 'console.png');
  await page.screenshot({ path: shot });
  t.log(`screenshot: ${shot}`);
});
