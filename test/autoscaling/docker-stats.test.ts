import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import { usageValues } from '../../common/printers/usage.js';
import type { ContainerSample } from '../../node-agent/metrics/container-sample.js';
import { DockerStatsSource } from '../../node-agent/metrics/docker-stats-source.js';
import { nodeMetricsFrom } from '../../node-agent/metrics/node-metrics.js';
import { ensureTestPodNetwork, eventually, startAgentHarness } from '../node-agent/agent-harness.js';

test.before(ensureTestPodNetwork);

const MiB = 2 ** 20;

test("Docker stats give a busy container's CPU rate and a tmpfs writer's working set, per pod", async (t) => {
  const h = await startAgentHarness(t);
  await h.createPod('load', [
    // Held to half a core by its limit, so the rate is known whatever else the machine does.
    { name: 'burn', image: 'busybox:latest', command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '500m' } } },
    // /dev/shm is a tmpfs: its pages are the writer's memory, and not file cache the kernel could drop.
    { name: 'fill', image: 'busybox:latest', command: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 && exec sleep 3600'] },
  ]);
  await h.waitForPod('load', (p) => p.status?.phase === 'Running');
  const source = new DockerStatsSource(h.docker, h.nodeName);
  let first: ContainerSample[] = [];
  t.true(
    await eventually(async () => {
      first = await source.sample();
      return first.length === 2 && first.find((s) => s.container === 'fill')!.workingSetBytes >= 40 * MiB;
    }),
    "the writer's 40 MiB show in its working set",
  );
  t.deepEqual(first.map((s) => s.container).sort(), ['burn', 'fill'], 'the pause container is not sampled');
  // The rate is CPU time over wall time between two samples: some wall time has to pass.
  await delay(2000);
  const second = await source.sample();
  const report = nodeMetricsFrom(h.nodeName, new Map(first.map((s) => [s.id, s])), second, Date.now());
  t.is(report.pods.length, 1);
  const [pod] = report.pods;
  t.is(pod!.name, 'load');
  const burn = usageValues(pod!.containers.find((c) => c.name === 'burn')!.usage);
  const fill = usageValues(pod!.containers.find((c) => c.name === 'fill')!.usage);
  t.true(burn.cpu > 250 && burn.cpu < 650, `burn used ${burn.cpu}m of its 500m limit`);
  t.true(fill.cpu < 50, `fill, sleeping, used ${fill.cpu}m`);
  t.true(fill.memory >= 40 * MiB, `fill's working set is ${fill.memory} bytes`);
  t.true(report.windowSeconds >= 2);
});
