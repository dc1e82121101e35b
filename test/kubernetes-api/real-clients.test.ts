import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { mkctlInProcess } from '../cli/run-mkctl.js';
import { waitForObject, waitForPod } from '../helpers/cluster-waits.js';
import { hostnameHttpd, serviceYaml, sleeper, workloadYaml } from '../helpers/manifests.js';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster.js';
import { waitFor } from '../workloads/agent-double.js';

const run = promisify(execFile);
const REPO = new URL('../..', import.meta.url).pathname;

/** The real clients, built or installed once by the scripts (cached outside the repo); undefined with the reason where they cannot be. */
async function tool(script: string): Promise<{ path?: string; why?: string }> {
  try {
    const { stdout } = await run('bash', [join(REPO, 'scripts', script)], { timeout: 30 * 60_000 });
    return { path: stdout.trim() };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    if (e.code === 2) return { why: e.stderr?.trim() ?? `${script} cannot run here` };
    throw err;
  }
}

const kubectl = await tool('build-kubectl.sh');
const python = await tool('python-kubernetes.sh');

const podYaml = (name: string, command: string[]) =>
  toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ ...sleeper, command }] },
  });
const hpaYaml = (name: string) =>
  toYaml({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }],
    },
  });

/** Runs kubectl with the cluster's kubeconfig and a private cache, as a user's shell would. */
function kubectlIn(env: { kubeconfig: string; home: string }) {
  const opts = { env: { PATH: process.env.PATH ?? '', HOME: env.home, KUBECONFIG: env.kubeconfig }, timeout: 60_000 };
  return {
    /** Runs with kubectl's environment switches, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false for plain SPDY. */
    failWith: (extra: Record<string, string>, ...args: string[]) =>
      run(kubectl.path!, args, { ...opts, env: { ...opts.env, ...extra } }).then(
        (r) => ({ ...r, code: 0 }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      ),
    /** Spawns with kubectl's environment switches, e.g. KUBECTL_PORT_FORWARD_WEBSOCKETS=false for plain SPDY. */
    spawnWith: (extra: Record<string, string>, ...args: string[]): ChildProcess =>
      spawn(kubectl.path!, args, { ...opts, env: { ...opts.env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }),
    run: (...args: string[]) => run(kubectl.path!, args, opts),
    fail: (...args: string[]) =>
      run(kubectl.path!, args, opts).then(
        (r) => ({ ...r, code: 0 }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      ),
    spawn: (...args: string[]): ChildProcess => spawn(kubectl.path!, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

/** Resolves with everything a process printed once `done` holds for it; the process is then stopped. */
async function outputUntil(child: ChildProcess, done: (out: string) => boolean, timeoutMs = 30_000): Promise<string> {
  try {
    return await outputSoFar(child, done, timeoutMs);
  } finally {
    child.kill();
  }
}

/**
 * Resolves with what a process printed once `done` holds for it, leaving it running; stopped if that takes longer
 * than `timeoutMs`. Its output goes on being read (and dropped): kubectl port-forward prints a line per connection,
 * and a closed pipe would kill it with SIGPIPE.
 */
function outputSoFar(child: ChildProcess, done: (out: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const stdout = child.stdout!;
  let out = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill(), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      stdout.off('data', onData).off('end', finish);
      stdout.resume();
      resolve(out);
    };
    const onData = (chunk: Buffer) => {
      out += String(chunk);
      if (done(out)) finish();
    };
    stdout.on('data', onData).once('end', finish);
  });
}

async function clusterWithWorkloads(t: ExecutionContext): Promise<{ cluster: TestCluster; kubeconfig: string; home: string }> {
  const cluster = await startTestCluster(t, { nodes: 2 });
  await cluster.push(
    {
      'apps/web.yaml': workloadYaml('Deployment', 'web', 2, hostnameHttpd),
      'apps/web-svc.yaml': serviceYaml('web', { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
      'apps/web-hpa.yaml': hpaYaml('web'),
      'apps/burner.yaml': workloadYaml('Deployment', 'burner', 1),
      // A line a second after the first, for attach to see.
      'apps/hello.yaml': podYaml('hello', ['sh', '-c', 'echo hello-from-the-log; while true; do echo tick; sleep 1; done']),
    },
    'workloads for the real clients',
  );
  await waitFor(
    cluster.client,
    'Deployment',
    (ds) =>
      ['web', 'burner'].every((n) => {
        const d = ds.get(n);
        // Both undefined (not synced yet) is not "available".
        return d !== undefined && (d.status?.availableReplicas ?? 0) === (d.spec.replicas ?? 1);
      }),
    90_000,
  );
  await waitForPod(cluster.client, 'hello', isPodReady, 60_000);
  const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const kubeconfig = join(home, 'kubeconfig');
  const written = await mkctlInProcess(cluster.configPath, ['kubeconfig', '-o', kubeconfig]);
  if (written.code !== 0) throw new Error(`mkctl kubeconfig failed: ${written.stderr}`);
  return { cluster, kubeconfig, home };
}

const skipped = kubectl.why ?? python.why;
(skipped ? test.skip : test.serial)(
  `an unmodified kubectl and the Python client read and operate the cluster${skipped ? ` (skipped: ${skipped})` : ''}`,
  async (t) => {
    t.timeout(420_000);
    const { cluster, kubeconfig, home } = await clusterWithWorkloads(t);
    const k = kubectlIn({ kubeconfig, home });
    const pods = (await cluster.client.list('Pod', { namespace: 'default' })).items;
    const nodeOfHello = pods.find((p) => p.metadata.name === 'hello')!.spec.nodeName!;

    // get: the columns mkctl prints, through the API's Table answers.
    const all = (await k.run('get', 'nodes,pods,svc,deploy,rs,hpa', '-A')).stdout;
    for (const header of [
      /^NAME\s+STATUS\s+ROLES\s+INTERNAL-IP\s+AGE$/m,
      /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m,
      /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+PORT\(S\)\s+AGE$/m,
    ])
      t.regex(all, header);
    t.regex(all, /^default\s+deployment\.apps\/web\s+2\/2\s+2\s+2\s/m);
    t.regex(all, /^default\s+horizontalpodautoscaler\.autoscaling\/web\s+Deployment\/web\s+memory: \S+\/500Mi\s+2\s+3\s+2\s/m);
    t.regex(all, /^default\s+pod\/hello\s+1\/1\s+Running\s+0\s/m);
    t.is((parseYaml((await k.run('get', 'pod', 'hello', '-o', 'yaml')).stdout) as { metadata: { name: string } }).metadata.name, 'hello');

    // describe: only the pod's own events, only the node's own pods.
    const describePod = (await k.run('describe', 'pod', 'hello')).stdout;
    const events = describePod.slice(describePod.indexOf('Events:'));
    t.regex(events, /Scheduled/);
    t.notRegex(events, /web-|burner-/, 'no other pod’s events');
    const describeNode = (await k.run('describe', 'node', nodeOfHello)).stdout;
    const listed = describeNode.slice(describeNode.indexOf('Non-terminated Pods:'), describeNode.indexOf('Allocated resources:'));
    for (const p of pods) t.is(listed.includes(p.metadata.name), p.spec.nodeName === nodeOfHello, `${p.metadata.name} on ${p.spec.nodeName}`);

    // logs -f, exec, top.
    t.regex(await outputUntil(k.spawn('logs', '-f', 'hello'), (out) => out.includes('hello-from-the-log')), /hello-from-the-log/);
    t.is((await k.run('exec', 'hello', '--', 'echo', 'hi from exec')).stdout, 'hi from exec\n');
    const failed = await k.fail('exec', 'hello', '--', 'sh', '-c', 'exit 3');
    t.is(failed.code, 3);
    t.regex(await outputUntil(k.spawn('attach', 'hello'), (out) => out.includes('tick')), /tick/);
    // The same over SPDY, which kubectl before 1.30 speaks and later ones when told to.
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    t.like(await k.failWith(spdy, 'exec', 'hello', '--', 'echo', 'hi over SPDY'), { code: 0, stdout: 'hi over SPDY\n' });
    t.is((await k.failWith(spdy, 'exec', 'hello', '--', 'sh', '-c', 'exit 3')).code, 3);
    t.regex(await outputUntil(k.spawnWith(spdy, 'attach', 'hello'), (out) => out.includes('tick')), /tick/);

    // port-forward, over SPDY in a WebSocket (kubectl's default) and over plain SPDY (its fallback).
    const web = pods.find((p) => p.metadata.labels?.app === 'web')!.metadata.name;
    for (const env of [{}, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }] as Record<string, string>[]) {
      const forward = k.spawnWith(env, 'port-forward', `pod/${web}`, ':8080');
      t.teardown(() => forward.kill());
      let stderr = '';
      forward.stderr!.on('data', (chunk) => (stderr += String(chunk)));
      const listening = await outputSoFar(forward, (out) => /Forwarding from 127\.0\.0\.1:\d+/.test(out));
      const port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(listening)?.[1];
      if (!port) return t.fail(`kubectl port-forward printed: ${listening}`);
      const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(15_000) }).then(
        (r) => r.text(),
        (err: Error) => {
          t.log(`kubectl port-forward ${JSON.stringify(env)} printed: ${stderr}`);
          throw err;
        },
      );
      t.is(answer.trim(), web, JSON.stringify(env));
      forward.kill();
    }
    await waitForObject(cluster.client, 'NodeMetrics', nodeOfHello, (m) => m?.pods.some((p) => p.name === 'hello') ?? false, { timeoutMs: 60_000 });
    t.regex((await k.run('top', 'pods')).stdout, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)[\s\S]*^hello\s+\d+m\s+\d+Mi/m);

    // get -w sees a change: a web pod deleted is replaced by a new one.
    const watcher = k.spawn('get', 'pods', '-w', '-l', 'app=web', '--no-headers');
    const victim = pods.find((p) => p.metadata.labels?.app === 'web')!.metadata.name;
    const known = new Set(pods.map((p) => p.metadata.name));
    const watching = outputUntil(watcher, (out) => out.split('\n').some((l) => l.startsWith('web-') && !known.has(l.split(/\s+/)[0]!)), 60_000);
    await once(watcher.stdout!, 'data');
    await cluster.client.delete({ kind: 'Pod', namespace: 'default', name: victim });
    t.regex(await watching, new RegExp(`^${victim}\\s`, 'm'));

    // rollout status and wait answer for the object named, not another one.
    t.is((await k.run('rollout', 'status', 'deploy/web', '--timeout=90s')).stdout.trim().split('\n').at(-1), 'deployment "web" successfully rolled out');
    t.is((await k.run('wait', '--for=condition=Ready', 'pod/hello', '--timeout=30s')).stdout.trim(), 'pod/hello condition met');

    // explain from the OpenAPI; writes refused with the commit message.
    t.regex((await k.run('explain', 'pod.spec.containers')).stdout, /FIELD: containers <\[\]Object>[\s\S]*image\s+<string> -required-/);
    const manifest = join(home, 'new.yaml');
    await writeFile(manifest, podYaml('new', ['sleep', '1']));
    t.regex((await k.run('apply', '--dry-run=server', '-f', manifest)).stdout, /pod\/new created \(server dry run\)/);
    const applied = await k.fail('apply', '-f', manifest);
    t.not(applied.code, 0);
    t.regex(applied.stderr, /pods "new" comes from Git: create it by committing a manifest to the cluster repository \(mkctl apply -f\)/);
    t.regex((await k.fail('scale', 'deploy/web', '--replicas=3')).stderr, /comes from Git/);

    // The Python client lists, reads and watches without a deserialization error (the HPA's metrics, once it has some).
    await waitForObject(cluster.client, 'HorizontalPodAutoscaler', 'web', (h) => (h?.status?.currentMetrics?.length ?? 0) > 0, { timeoutMs: 60_000 });
    const { stdout } = await run(python.path!, [join(REPO, 'test/kubernetes-api/python-client.py'), kubeconfig, 'hello'], { timeout: 60_000 });
    const py = JSON.parse(stdout) as Record<string, unknown>;
    t.like(py, {
      pod: { phase: 'Running' },
      deployments: ['burner', 'web'],
      hpas: [['web', ['Resource']]],
      watched: ['ADDED hello'],
      deploymentEvents: ['burner', 'web'],
      hpaEvents: ['web'],
    });
    t.regex((py.pod as { imageID: string }).imageID, /^sha256:/);
    t.is((py.nodes as string[]).length, 2);
    t.is(py.kubelet, 'v1.37.0-minik8s');
  },
);
