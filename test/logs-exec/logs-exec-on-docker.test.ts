import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import Docker from 'dockerode';
import { ApiClient, ApiError } from '../../common/client/api-client.js';
import { ExecFrameType, encodeFrame } from '../../common/client/exec-frames.js';
import { attachExec, execInPod, podLogs, readExecOutput } from '../../common/client/pod-streams.js';
import type { Container, Node, Pod } from '../../common/schema/index.js';
import { startAgent } from '../../node-agent/agent.js';
import { parseAgentConfig } from '../../node-agent/config/agent-config.js';
import { DockerExec } from '../../node-agent/runtime/docker-exec.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import { startAgentServer } from '../../node-agent/server/agent-server.js';
import { scopedToken } from '../../reconciler/auth/scoped-tokens.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { readTls, testCa, testLoopbackCertFiles } from '../helpers/pki.js';
import { DOCKER_SOCKET, ensureTestPodNetwork, eventually, POD_CIDR, testRuntime } from '../node-agent/agent-harness.js';

/** The test network's subnet, as the node agent tests use it: agents on the same dockerd must agree. */

/**
 * A control plane and a node agent with its server on loopback (the address the Node advertises),
 * running pods on the test node's Docker; all removed when the test ends.
 */
async function startCluster(t: ExecutionContext) {
  const { cp, client, config } = await startTestControlPlane(t);
  const nodeName = `logs-${randomBytes(4).toString('hex')}`;
  // A pod subnet from the start, so the control plane's allocator leaves the shared test network alone.
  await cp.store.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName }, spec: { podCIDR: POD_CIDR } });
  const docker = new Docker({ socketPath: DOCKER_SOCKET });
  const stateDir = await mkdtemp(join(tmpdir(), 'mk8s-logs-'));
  const runtime = testRuntime(docker, nodeName, stateDir);
  const server = await startAgentServer({
    host: '127.0.0.1',
    port: 0,
    tls: readTls(testLoopbackCertFiles()),
    tokens: [scopedToken(config.tokenKey, 'agent', nodeName)],
    runtime,
    exec: new DockerExec(docker),
  });
  const agentConfig = parseAgentConfig({
    nodeName,
    apiUrl: cp.url,
    joinToken: config.joinToken,
    nodeIP: '127.0.0.1',
    agentPort: server.port,
    ...testLoopbackCertFiles(),
    stateDir,
    podCIDR: POD_CIDR,
    backOff: { baseSeconds: 1, maxSeconds: 2 },
  });
  const agent = await startAgent({
    config: agentConfig,
    api: new ApiClient({ baseUrl: cp.url, token: scopedToken(config.tokenKey, 'node', nodeName), ca: testCa() }),
    runtime,
  });
  const configPath = join(stateDir, 'cluster.json');
  await writeFile(configPath, JSON.stringify({ ...config, apiUrl: cp.url }));
  t.teardown(async () => {
    await agent.stop();
    await server.stop();
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    await rm(stateDir, { recursive: true, force: true });
  });

  const running = async (name: string, ok: (pod: Pod) => boolean = () => true) =>
    eventually(async () => {
      const pod = await client.get({ kind: 'Pod', namespace: 'default', name });
      return pod?.status?.phase === 'Running' && pod.status.containerStatuses?.every((c) => c.state?.running) === true && ok(pod);
    });
  return {
    client,
    /** Runs mkctl in a child process against this cluster. */
    mkctl: (args: string[]) => runMkctl(configPath, args),
    createPod: (name: string, containers: Container[], spec: Partial<Pod['spec']> = {}) =>
      cp.store.create<Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 1, nodeName, ...spec },
      }),
    running,
    docker,
  };
}

// Once, before the tests race each other to create the pod network on a fresh dockerd.
test.before(() => ensureTestPodNetwork());

const idleAfter = (script: string) => ['sh', '-c', `${script}; trap "exit 0" TERM; while true; do sleep 1; done`];
const text = async (body: AsyncIterable<Uint8Array>) => {
  let s = '';
  for await (const chunk of body) s += Buffer.from(chunk).toString('utf8');
  return s;
};
const collect = () => {
  const stream = new PassThrough();
  let s = '';
  stream.on('data', (d: Buffer) => (s += d.toString('utf8')));
  return { stream, text: () => s };
};

test("logs: a container's stdout and stderr, the last lines with tail, the previous attempt after a restart", async (t) => {
  const c = await startCluster(t);
  const counter =
    'n=$(( $(cat /d/n 2>/dev/null || echo 0) + 1 )); echo $n > /d/n; for i in 1 2 3; do echo attempt-$n-line-$i; done; sleep 0.2; echo attempt-$n-err >&2';
  // The pause orders the stderr line after the stdout lines: Docker stamps the two pipes independently.
  await c.createPod('echoer', [{ name: 'app', image: 'busybox:latest', command: idleAfter(counter), volumeMounts: [{ name: 'd', mountPath: '/d' }] }], {
    volumes: [{ name: 'd', emptyDir: {} }],
  });
  t.true(await c.running('echoer'));
  const pod = { namespace: 'default', name: 'echoer' };
  t.true(await eventually(async () => (await text(await podLogs(c.client, pod))).includes('attempt-1-err')));
  t.is(await text(await podLogs(c.client, pod)), 'attempt-1-line-1\nattempt-1-line-2\nattempt-1-line-3\nattempt-1-err\n');
  t.is(await text(await podLogs(c.client, pod, { tailLines: 2 })), 'attempt-1-line-3\nattempt-1-err\n');

  const cli = await c.mkctl(['logs', 'echoer', '--tail', '1']);
  t.deepEqual(cli, { code: 0, stdout: 'attempt-1-err\n', stderr: '' });
  const noPrevious = await c.mkctl(['logs', 'echoer', '-p']);
  t.is(noPrevious.code, 1);
  t.is(noPrevious.stderr, 'Error from server (BadRequest): previous terminated container "app" in pod "echoer" not found\n');

  const before = await c.client.get({ kind: 'Pod', namespace: 'default', name: 'echoer' });
  await c.docker.getContainer(before!.status!.containerStatuses![0]!.containerID!.replace('docker://', '')).kill();
  t.true(await c.running('echoer', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1));
  t.true(await eventually(async () => (await text(await podLogs(c.client, pod))).includes('attempt-2-err')));
  t.is(await text(await podLogs(c.client, pod, { previous: true, tailLines: 1 })), 'attempt-1-err\n');
  t.is((await c.mkctl(['logs', 'echoer', '--previous', '-c', 'app'])).stdout, 'attempt-1-line-1\nattempt-1-line-2\nattempt-1-line-3\nattempt-1-err\n');
});

test('logs -f: streams lines as the container writes them', async (t) => {
  const c = await startCluster(t);
  await c.createPod('ticker', [
    { name: 'app', image: 'busybox:latest', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done'] },
  ]);
  t.true(await c.running('ticker'));
  let seen = '';
  for await (const chunk of await podLogs(c.client, { namespace: 'default', name: 'ticker' }, { follow: true, tailLines: 0 })) {
    seen += Buffer.from(chunk).toString('utf8');
    if (seen.split('\n').length > 3) break; // three whole lines, written after the call: it follows
  }
  t.regex(seen, /^tick-\d+\ntick-\d+\ntick-\d+\n/);
});

test('exec: stdout, stderr and the exit code come back through the API, and through mkctl', async (t) => {
  const c = await startCluster(t);
  await c.createPod('shell', [{ name: 'app', image: 'busybox:latest', command: idleAfter('true') }]);
  t.true(await c.running('shell'));
  const pod = { namespace: 'default', name: 'shell' };
  const [out, err] = [collect(), collect()];
  const code = await execInPod(c.client, pod, { command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }, { stdout: out.stream, stderr: err.stream });
  t.deepEqual([code, out.text(), err.text()], [3, 'out\n', 'err\n']);

  t.deepEqual(await c.mkctl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']), { code: 3, stdout: 'out\n', stderr: 'err\n' });
  t.deepEqual(await c.mkctl(['exec', 'shell', '--', 'ls', '/nonexistent']), { code: 1, stdout: '', stderr: 'ls: /nonexistent: No such file or directory\n' });
});

test('exec -i and -it: input reaches the command over the upgraded connection, and its exit code comes back', async (t) => {
  const c = await startCluster(t);
  await c.createPod('shell', [{ name: 'app', image: 'busybox:latest', command: idleAfter('true') }]);
  t.true(await c.running('shell'));
  const pod = { namespace: 'default', name: 'shell' };

  const piped = await attachExec(c.client, pod, { command: ['sh', '-c', 'tr a-z A-Z; echo bye >&2; exit 4'], tty: false });
  piped.write(encodeFrame(ExecFrameType.stdin, 'hello\n'));
  piped.write(encodeFrame(ExecFrameType.stdinEnd));
  const [out, err] = [collect(), collect()];
  t.is(await readExecOutput(piped, { stdout: out.stream, stderr: err.stream }), 4);
  t.deepEqual([out.text(), err.text()], ['HELLO\n', 'bye\n']);
  piped.destroy();

  const terminal = await attachExec(c.client, pod, { command: ['sh'], tty: true });
  terminal.write(encodeFrame(ExecFrameType.stdin, 'tty; exit 5\n'));
  const screen = collect();
  t.is(await readExecOutput(terminal, { stdout: screen.stream, stderr: screen.stream }), 5);
  t.regex(screen.text(), /\/dev\/pts\/\d+/);
  terminal.destroy();

  t.deepEqual(await c.mkctl(['exec', '-i', 'shell', '--', 'sh', '-c', 'exit 6']), { code: 6, stdout: '', stderr: '' });
});

test('errors: unknown pod, missing container name on a two-container pod, unscheduled pod', async (t) => {
  const c = await startCluster(t);
  await c.createPod('web', [
    { name: 'a', image: 'busybox:latest', command: idleAfter('true') },
    { name: 'b', image: 'busybox:latest', command: idleAfter('true') },
  ]);
  const expected = 'Error from server (BadRequest): a container name must be specified for pod web, choose one of: [a b]\n';
  t.deepEqual(await c.mkctl(['logs', 'web']), { code: 1, stdout: '', stderr: expected });
  t.deepEqual(await c.mkctl(['exec', 'web', '--', 'true']), { code: 1, stdout: '', stderr: expected });
  const missing = await t.throwsAsync(podLogs(c.client, { namespace: 'default', name: 'nope' }), { instanceOf: ApiError });
  t.is(missing?.status, 404);
  t.is(missing?.message, 'pods "nope" not found');
  await c.createPod('floating', [{ name: 'app', image: 'busybox:latest' }], { nodeName: undefined, nodeSelector: { 'minik8s.io/hostname': 'no-such-node' } });
  t.is((await c.mkctl(['exec', 'floating', '--', 'true'])).stderr, 'Error from server (BadRequest): pod floating is not scheduled to a node yet\n');
});
