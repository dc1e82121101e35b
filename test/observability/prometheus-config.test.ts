import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { parse } from 'yaml';
import { renderPrometheusConfig } from '../../reconciler/observability/prometheus-config.js';

const input = {
  apiUrl: 'https://127.0.0.1:6443',
  tokenFile: '/var/lib/minik8s/prometheus/metrics-token',
  caFile: '/var/lib/minik8s/pki/ca.crt',
  listenAddress: '127.0.0.1:9090',
};

interface Job {
  job_name: string;
  http_sd_configs?: Array<{ url: string; refresh_interval: string; authorization: { credentials_file: string } }>;
  authorization?: { credentials_file: string };
  scheme?: string;
  tls_config?: { ca_file: string };
  static_configs?: Array<{ targets: string[] }>;
}

const jobs = (yaml: string) => (parse(yaml) as { scrape_configs: Job[] }).scrape_configs;

test('nodes and pods are discovered from the control plane every 5 s, with the scrape token on every request', (t) => {
  const byName = new Map(jobs(renderPrometheusConfig(input)).map((j) => [j.job_name, j]));
  t.deepEqual([...byName.keys()], ['prometheus', 'minik8s-control-plane', 'node-exporter', 'minik8s-agent', 'cadvisor', 'gateway', 'pods']);
  const pods = byName.get('pods')!;
  t.is(pods.http_sd_configs![0]!.url, 'https://127.0.0.1:6443/minik8s/v1/sd/pods');
  t.is(pods.http_sd_configs![0]!.refresh_interval, '2s');
  t.is(pods.http_sd_configs![0]!.authorization.credentials_file, input.tokenFile);
  t.is(pods.authorization!.credentials_file, input.tokenFile);
  t.is(byName.get('node-exporter')!.http_sd_configs![0]!.url, 'https://127.0.0.1:6443/minik8s/v1/sd/nodes?role=node-exporter');
  t.deepEqual(byName.get('minik8s-control-plane')!.static_configs![0]!.targets, ['127.0.0.1:6443']);
});

test('the control plane and every node agent are scraped over TLS, verified against the cluster CA', (t) => {
  const overTls = ['minik8s-control-plane', 'node-exporter', 'minik8s-agent', 'cadvisor', 'pods'];
  for (const job of jobs(renderPrometheusConfig(input)).filter((j) => overTls.includes(j.job_name))) {
    t.is(job.scheme, 'https', job.job_name);
    t.is(job.tls_config?.ca_file, input.caFile, job.job_name);
  }
});

test('the same input renders the same file', (t) => {
  t.is(renderPrometheusConfig(input), renderPrometheusConfig({ ...input }));
});

test('promtool accepts the rendered configuration, TLS included', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'minik8s-promcfg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  const caFile = join(dir, 'ca.crt');
  await writeFile(tokenFile, 'x'.repeat(32));
  await writeFile(caFile, '');
  await writeFile(join(dir, 'prometheus.yml'), renderPrometheusConfig({ ...input, tokenFile, caFile }));
  const { stdout } = await promisify(execFile)('promtool', ['check', 'config', '--syntax-only', join(dir, 'prometheus.yml')]);
  t.regex(stdout, /SUCCESS/);
});
