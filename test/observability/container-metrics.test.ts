import test from 'ava';
import { containerMetricsText, containerSeries } from '../../node-agent/metrics/container-metrics.js';
import type { ContainerSample } from '../../node-agent/metrics/container-sample.js';

const sample = (id: string, pod: string, container: string, extra: Partial<ContainerSample> = {}): ContainerSample => ({
  id,
  namespace: 'default',
  pod,
  podUid: `uid-${pod}`,
  container,
  cpuNs: 2_500_000_000,
  at: 0,
  workingSetBytes: 4096,
  restartCount: 1,
  ...extra,
});

test("containers get cAdvisor's series; a pod's network is counted once, not per container", (t) => {
  const network = [{ interface: 'eth0', rxBytes: 100, txBytes: 50 }];
  const series = containerSeries([sample('a', 'web', 'app', { network }), sample('b', 'web', 'side', { network }), sample('c', 'db', 'main')]);
  t.deepEqual(series.cpuSeconds[0], { labels: { namespace: 'default', pod: 'web', container: 'app' }, value: 2.5 });
  t.is(series.workingSetBytes.length, 3);
  t.deepEqual(series.receiveBytes, [{ labels: { namespace: 'default', pod: 'web', interface: 'eth0' }, value: 100 }]);
  t.deepEqual(series.transmitBytes, [{ labels: { namespace: 'default', pod: 'web', interface: 'eth0' }, value: 50 }]);
});

test('the text is in the exposition format under the names dashboards expect', async (t) => {
  const { contentType, text } = await containerMetricsText([sample('a', 'web', 'app', { network: [{ interface: 'eth0', rxBytes: 7, txBytes: 9 }] })]);
  t.regex(contentType, /^text\/plain/);
  t.regex(text, /^container_cpu_usage_seconds_total\{namespace="default",pod="web",container="app"\} 2\.5$/m);
  t.regex(text, /^container_memory_working_set_bytes\{namespace="default",pod="web",container="app"\} 4096$/m);
  t.regex(text, /^container_restarts_total\{namespace="default",pod="web",container="app"\} 1$/m);
  t.regex(text, /^container_network_receive_bytes_total\{namespace="default",pod="web",interface="eth0"\} 7$/m);
  t.regex(text, /# TYPE container_network_transmit_bytes_total counter/);
});
