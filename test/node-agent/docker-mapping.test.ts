import test from 'ava';
import type Dockerode from 'dockerode';
import { firstHost } from '../../common/net/address-ranges.js';
import type { Container, Pod } from '../../common/schema/index.js';
import { appContainerOptions, sandboxOptions, withTag } from '../../node-agent/runtime/docker-create-options.js';
import { LABELS, podContainerLabels, SANDBOX } from '../../node-agent/runtime/docker-labels.js';
import { containerOf, demuxBuffer, podsOf, runtimeEventOf } from '../../node-agent/runtime/docker-observed.js';

const placement = { nodeName: 'node-1', networkName: 'minik8s' };
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
  spec: { containers: [], restartPolicy: 'Always', terminationGracePeriodSeconds: 7 },
};

/** What Docker's inspect reports, reduced to the fields the runtime reads. */
function inspect(id: string, container: string, state: Partial<Dockerode.ContainerInspectInfo['State']>, ip?: string): Dockerode.ContainerInspectInfo {
  return {
    Id: id,
    Created: '2026-01-01T00:00:00Z',
    Config: { Image: 'busybox:latest', Labels: podContainerLabels('node-1', pod, container, 3) },
    State: {
      Running: false,
      Paused: false,
      Restarting: false,
      Status: 'exited',
      ExitCode: 0,
      Error: '',
      OOMKilled: false,
      StartedAt: '0001-01-01T00:00:00Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      ...state,
    },
    NetworkSettings: { Networks: ip ? { minik8s: { IPAddress: ip } } : {} },
  } as unknown as Dockerode.ContainerInspectInfo;
}

test('an app container carries limits as Docker resources, requests as cpu shares, and joins the sandbox', (t) => {
  const c: Container = {
    name: 'app',
    image: 'nginx',
    command: ['nginx'],
    args: ['-g', 'daemon off;'],
    env: [{ name: 'A', value: '1' }],
    resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
  };
  const opts = appContainerOptions(placement, pod, c, 2, 'sb', ['/d:/data:ro']);
  t.is(opts.name, 'mk8s_app_web_shop_u1_2');
  t.deepEqual(opts.Entrypoint, ['nginx']);
  t.deepEqual(opts.Cmd, ['-g', 'daemon off;']);
  t.deepEqual(opts.Env, ['A=1']);
  t.like(opts.Labels, { [LABELS.node]: 'node-1', [LABELS.container]: 'app', [LABELS.restartCount]: '2', [LABELS.graceSeconds]: '7' });
  t.deepEqual(opts.HostConfig, {
    NetworkMode: 'container:sb',
    IpcMode: 'container:sb',
    Binds: ['/d:/data:ro'],
    NanoCpus: 500_000_000,
    Memory: 64 * 2 ** 20,
    CpuShares: 256,
  });
});

test('a container without command, args or resources leaves Docker its image defaults', (t) => {
  const opts = appContainerOptions(placement, pod, { name: 'app', image: 'nginx' }, 0, 'sb', []);
  t.false('Entrypoint' in opts || 'Cmd' in opts || 'WorkingDir' in opts);
  t.deepEqual(opts.HostConfig, { NetworkMode: 'container:sb', IpcMode: 'container:sb', Binds: [] });
});

test('the sandbox is on the pod network with a shareable IPC namespace and the sandbox label', (t) => {
  const opts = sandboxOptions(placement, pod, 'pause:latest');
  t.is(opts.Labels?.[LABELS.container], SANDBOX);
  t.deepEqual(opts.HostConfig, { NetworkMode: 'minik8s', IpcMode: 'shareable' });
});

test("reads running, created and exited containers, leaving out Docker's zero times", (t) => {
  t.like(containerOf(inspect('a', 'app', { Running: true, Status: 'running', StartedAt: '2026-01-01T00:00:01Z' })), {
    state: 'running',
    restartCount: 3,
    name: 'app',
    exitCode: 0,
    startedAt: '2026-01-01T00:00:01Z',
  });
  const created = containerOf(inspect('b', 'app', { Status: 'created' }));
  t.is(created.state, 'created');
  t.false('exitCode' in created || 'startedAt' in created || 'finishedAt' in created);
  t.like(containerOf(inspect('c', 'app', { Status: 'created', ExitCode: 127, Error: 'no such file' })), {
    state: 'created',
    exitCode: 127,
    error: 'no such file',
  });
  t.like(containerOf(inspect('d', 'app', { ExitCode: 137, OOMKilled: true })), { state: 'exited', exitCode: 137, oomKilled: true });
});

test('groups containers into pods by uid, the sandbox apart, with its address on the pod network', (t) => {
  const [p, ...rest] = podsOf([inspect('s', SANDBOX, { Running: true }, '10.244.1.5'), inspect('a', 'app', { Running: true })], 'minik8s');
  t.deepEqual(rest, []);
  t.like(p, { uid: 'u1', namespace: 'shop', name: 'web', graceSeconds: 7, sandbox: { id: 's', running: true, ip: '10.244.1.5' } });
  t.deepEqual(
    p?.containers.map((c) => c.id),
    ['a'],
  );
});

test('an event line names the pod from its container labels', (t) => {
  const line = JSON.stringify({ Action: 'die', Actor: { Attributes: podContainerLabels('node-1', pod, 'app', 0) } });
  t.deepEqual(runtimeEventOf(line), { namespace: 'shop', name: 'web', uid: 'u1', action: 'die' });
});

test('an image without a tag means latest; a tag, a digest or a registry port is kept', (t) => {
  t.is(withTag('busybox'), 'busybox:latest');
  t.is(withTag('busybox:1.36'), 'busybox:1.36');
  t.is(withTag('localhost:5000/app'), 'localhost:5000/app:latest');
  t.is(withTag('app@sha256:abc'), 'app@sha256:abc');
});

test('demultiplexes Docker log frames of both streams into one text', (t) => {
  const frame = (stream: number, text: string) => {
    const header = Buffer.alloc(8);
    header.writeUInt8(stream, 0);
    header.writeUInt32BE(Buffer.byteLength(text), 4);
    return Buffer.concat([header, Buffer.from(text)]);
  };
  t.is(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])).toString(), 'out\nerr\n');
});

test('the pod network gateway is the first host of the CIDR', (t) => {
  t.is(firstHost('10.244.1.0/24'), '10.244.1.1');
  t.is(firstHost('10.244.201.0/24'), '10.244.201.1');
});
