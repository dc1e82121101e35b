import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { type Container, parseCpuMillis, parseMemoryBytes, type Pod } from '../../common/schema/index.js';
import { podResolvConf } from '../dns/resolv-conf.js';
import type { ExecResult, NodeCapacity, ObservedContainer, ObservedPod, ObservedSandbox, PodRuntime, RuntimeEvent } from './pod-runtime.js';

/** Labels on every container the agent creates: enough to rebuild its view of a pod after a restart. */
export const LABELS = {
  node: 'minik8s.io/node',
  podUid: 'minik8s.io/pod-uid',
  podNamespace: 'minik8s.io/pod-namespace',
  podName: 'minik8s.io/pod-name',
  container: 'minik8s.io/container',
  restartCount: 'minik8s.io/restart-count',
  graceSeconds: 'minik8s.io/termination-grace-seconds',
} as const;

/** The container name label of a pod's pause container (upper case, so no app container can take it). */
const SANDBOX = 'POD';

export interface DockerRuntimeOptions {
  nodeName: string;
  /** Pod directories (emptyDir volumes) live under `<stateDir>/pods/<uid>`. */
  stateDir: string;
  networkName?: string;
  bridgeName?: string;
  pauseImage?: string;
}

/** The pod runtime on Docker: a pause container per pod holds the network namespace every app container joins. */
export class DockerRuntime implements PodRuntime {
  readonly #docker: Dockerode;
  readonly #opts: Required<DockerRuntimeOptions>;
  #clusterDNS: string | undefined;

  constructor(docker: Dockerode, opts: DockerRuntimeOptions) {
    this.#docker = docker;
    this.#opts = { networkName: 'minik8s', bridgeName: 'mk8s-pods', pauseImage: 'pause:latest', ...opts };
  }

  async ensureNetwork(cidr: string): Promise<string> {
    const { networkName, bridgeName } = this.#opts;
    const gateway = firstHost(cidr);
    const existing = await this.#inspectNetwork();
    if (existing) {
      const subnet = existing.IPAM?.Config?.[0]?.Subnet;
      if (subnet === cidr) return gateway;
      if (Object.keys(existing.Containers ?? {}).length > 0)
        throw new Error(`network ${networkName} has subnet ${subnet} but the pod CIDR is ${cidr}, and pods still use it`);
      await this.#docker.getNetwork(networkName).remove();
    }
    try {
      await this.#docker.createNetwork({
        Name: networkName,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: cidr, Gateway: gateway }] },
        // Pod traffic is routed between nodes, not NATed: pods see each other's real addresses.
        Options: { 'com.docker.network.bridge.name': bridgeName, 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      });
    } catch (err) {
      // Another agent on the same daemon (tests) may have won the race; its network is as good.
      if ((await this.#inspectNetwork())?.IPAM?.Config?.[0]?.Subnet !== cidr) throw err;
    }
    return gateway;
  }

  useClusterDNS(nameserver: string): void {
    this.#clusterDNS = nameserver;
  }

  #inspectNetwork(): Promise<Dockerode.NetworkInspectInfo | undefined> {
    return ignoreStatus(404, this.#docker.getNetwork(this.#opts.networkName).inspect() as Promise<Dockerode.NetworkInspectInfo>);
  }

  async capacity(): Promise<NodeCapacity> {
    const info = (await this.#docker.info()) as { NCPU: number; MemTotal: number };
    return { cpuMillis: info.NCPU * 1000, memoryBytes: info.MemTotal };
  }

  async listPods(only?: { namespace: string; name: string }): Promise<ObservedPod[]> {
    const label = [`${LABELS.node}=${this.#opts.nodeName}`, ...(only ? [`${LABELS.podNamespace}=${only.namespace}`, `${LABELS.podName}=${only.name}`] : [])];
    const infos = await this.#docker.listContainers({ all: true, filters: { label } });
    const pods = new Map<string, ObservedPod>();
    for (const info of infos) {
      const inspect = await ignoreStatus(404, this.#docker.getContainer(info.Id).inspect());
      if (!inspect) continue;
      const labels = inspect.Config.Labels ?? {};
      const uid = labels[LABELS.podUid] ?? '';
      const pod = pods.get(uid) ?? { uid, namespace: labels[LABELS.podNamespace] ?? '', name: labels[LABELS.podName] ?? '', containers: [], graceSeconds: 0 };
      pods.set(uid, pod);
      pod.graceSeconds = Math.max(pod.graceSeconds, Number(labels[LABELS.graceSeconds] ?? 0));
      if (labels[LABELS.container] === SANDBOX) pod.sandbox = this.#sandboxOf(inspect);
      else pod.containers.push(containerOf(inspect));
    }
    return [...pods.values()];
  }

  async hasImage(image: string): Promise<boolean> {
    return (await ignoreStatus(404, this.#docker.getImage(image).inspect())) !== undefined;
  }

  async pullImage(image: string): Promise<void> {
    const stream = await this.#docker.pull(withTag(image));
    await new Promise<void>((resolve, reject) =>
      this.#docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      }),
    );
  }

  async createSandbox(pod: Pod): Promise<string> {
    const image = this.#opts.pauseImage;
    if (!(await this.hasImage(image))) await this.pullImage(image);
    const c = await this.#docker.createContainer({
      name: containerName(pod, SANDBOX, 0),
      Image: image,
      Hostname: pod.metadata.name.slice(0, 63),
      Labels: this.#labels(pod, SANDBOX, 0),
      // App containers join its IPC namespace too, which Docker allows only from a shareable one.
      HostConfig: { NetworkMode: this.#opts.networkName, IpcMode: 'shareable' },
    });
    await c.start();
    return c.id;
  }

  async createContainer(pod: Pod, container: Container, restartCount: number, sandboxId: string): Promise<string> {
    const binds = [...(await this.#prepareVolumes(pod, container)), ...(await this.#resolvConfBinds(pod))];
    const limits = container.resources?.limits;
    const cpuLimit = limits?.cpu !== undefined ? parseCpuMillis(limits.cpu) : undefined;
    const memoryLimit = limits?.memory !== undefined ? parseMemoryBytes(limits.memory) : undefined;
    const cpuRequest = container.resources?.requests?.cpu;
    const requestMillis = cpuRequest !== undefined ? parseCpuMillis(cpuRequest) : undefined;
    const c = await this.#docker.createContainer({
      name: containerName(pod, container.name, restartCount),
      Image: container.image,
      ...(container.command && { Entrypoint: container.command }),
      ...(container.args && { Cmd: container.args }),
      ...(container.workingDir && { WorkingDir: container.workingDir }),
      Env: (container.env ?? []).map((e) => `${e.name}=${e.value}`),
      Labels: this.#labels(pod, container.name, restartCount),
      HostConfig: {
        NetworkMode: `container:${sandboxId}`,
        IpcMode: `container:${sandboxId}`,
        Binds: binds,
        ...(cpuLimit !== undefined && { NanoCpus: cpuLimit * 1_000_000 }),
        ...(memoryLimit !== undefined && { Memory: memoryLimit }),
        // Requests weigh containers against each other under contention, as kubelet's cpu shares do.
        ...(requestMillis !== undefined && { CpuShares: Math.max(2, Math.round((requestMillis * 1024) / 1000)) }),
      },
    });
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await ignoreStatus(304, this.#docker.getContainer(id).start());
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await ignoreStatus([304, 404], this.#docker.getContainer(id).stop({ t: graceSeconds }));
  }

  async removeContainer(id: string): Promise<void> {
    await ignoreStatus([404, 409], this.#docker.getContainer(id).remove({ force: true, v: true }));
  }

  async removePodDir(uid: string): Promise<void> {
    await rm(this.#podDir(uid), { recursive: true, force: true });
  }

  async watchEvents(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): Promise<() => void> {
    const stream = (await this.#docker.getEvents({
      filters: { type: ['container'], label: [`${LABELS.node}=${this.#opts.nodeName}`], event: ['start', 'die', 'oom', 'kill', 'destroy'] },
    })) as Readable;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        const e = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
        const a = e.Actor?.Attributes ?? {};
        onEvent({ namespace: a[LABELS.podNamespace] ?? '', name: a[LABELS.podName] ?? '', uid: a[LABELS.podUid] ?? '', action: e.Action ?? '' });
      }
    });
    stream.on('error', onError);
    stream.on('end', () => onError(new Error('docker event stream ended')));
    return () => {
      stream.removeAllListeners('end');
      stream.destroy();
    };
  }

  async logs(id: string, opts: { follow: boolean; tailLines?: number }): Promise<Readable> {
    const base = { stdout: true, stderr: true, ...(opts.tailLines !== undefined && { tail: opts.tailLines }) };
    const out = new PassThrough();
    if (opts.follow) {
      const stream = await this.#docker.getContainer(id).logs({ ...base, follow: true });
      this.#docker.modem.demuxStream(stream, out, out);
      stream.on('end', () => out.end());
      stream.on('error', (err) => out.destroy(err));
      // A reader that stops early (the client went away) must end Docker's follow too.
      out.on('close', () => (stream as Readable).destroy());
    } else {
      out.end(demuxBuffer(await this.#docker.getContainer(id).logs({ ...base, follow: false })));
    }
    return out;
  }

  async exec(id: string, command: string[]): Promise<ExecResult> {
    const exec = await this.#docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    this.#docker.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
  }

  #labels(pod: Pod, container: string, restartCount: number): Record<string, string> {
    return {
      [LABELS.node]: this.#opts.nodeName,
      [LABELS.podUid]: pod.metadata.uid ?? '',
      [LABELS.podNamespace]: pod.metadata.namespace ?? 'default',
      [LABELS.podName]: pod.metadata.name,
      [LABELS.container]: container,
      [LABELS.restartCount]: String(restartCount),
      [LABELS.graceSeconds]: String(pod.spec.terminationGracePeriodSeconds),
    };
  }

  #podDir(uid: string): string {
    return join(this.#opts.stateDir, 'pods', uid);
  }

  /** Creates what the container's mounts need and returns Docker binds. */
  async #prepareVolumes(pod: Pod, container: Container): Promise<string[]> {
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    const binds: string[] = [];
    for (const m of container.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) continue; // the schema guarantees every mount names a volume
      let source: string;
      if (v.hostPath) {
        source = v.hostPath.path;
        if (v.hostPath.type === 'DirectoryOrCreate') await mkdir(source, { recursive: true });
        if (v.hostPath.type === 'FileOrCreate') {
          await mkdir(dirname(source), { recursive: true });
          await writeFile(source, '', { flag: 'a' });
        }
      } else {
        source = join(this.#podDir(pod.metadata.uid ?? ''), 'volumes', v.name);
        await mkdir(source, { recursive: true });
      }
      binds.push(`${source}:${m.mountPath}${m.readOnly ? ':ro' : ''}`);
    }
    return binds;
  }

  /** The pod's resolv.conf (in its directory) over /etc/resolv.conf, when the node runs cluster DNS; else Docker's stays. */
  async #resolvConfBinds(pod: Pod): Promise<string[]> {
    if (!this.#clusterDNS) return [];
    const file = join(this.#podDir(pod.metadata.uid ?? ''), 'resolv.conf');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, podResolvConf(pod.metadata.namespace ?? 'default', this.#clusterDNS));
    return [`${file}:/etc/resolv.conf:ro`];
  }

  #sandboxOf(inspect: Dockerode.ContainerInspectInfo): ObservedSandbox {
    const ip = inspect.NetworkSettings.Networks?.[this.#opts.networkName]?.IPAddress;
    return { id: inspect.Id, running: inspect.State.Running, createdAt: inspect.Created, ...(ip && { ip }) };
  }
}

function containerOf(inspect: Dockerode.ContainerInspectInfo): ObservedContainer {
  const labels = inspect.Config.Labels ?? {};
  const s = inspect.State;
  const state = s.Running || s.Paused || s.Restarting ? 'running' : s.Status === 'created' ? 'created' : 'exited';
  return {
    id: inspect.Id,
    name: labels[LABELS.container] ?? '',
    image: inspect.Config.Image,
    restartCount: Number(labels[LABELS.restartCount] ?? 0),
    state,
    createdAt: inspect.Created,
    ...(state !== 'created' || s.Error ? { exitCode: s.ExitCode } : {}),
    ...(s.Error && { error: s.Error }),
    ...(s.OOMKilled && { oomKilled: true }),
    ...(dockerTime(s.StartedAt) && { startedAt: s.StartedAt }),
    ...(dockerTime(s.FinishedAt) && { finishedAt: s.FinishedAt }),
  };
}

/** Docker reports "never" as the zero time. */
function dockerTime(t: string | undefined): boolean {
  return !!t && !t.startsWith('0001-');
}

function containerName(pod: Pod, container: string, restartCount: number): string {
  return `mk8s_${container}_${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}_${pod.metadata.uid ?? ''}_${restartCount}`;
}

/** `busybox` means `busybox:latest`; without a tag Docker would pull every tag. */
function withTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return image.includes('@') || lastPart.includes(':') ? image : `${image}:latest`;
}

function firstHost(cidr: string): string {
  const [ip = ''] = cidr.split('/');
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Docker's multiplexed log format: 8-byte frame headers (stream, size) before each chunk. */
function demuxBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts);
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Resolves to undefined when Docker answers with one of the given HTTP statuses (not found, not modified). */
async function ignoreStatus<T>(codes: number | number[], p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if ([codes].flat().includes(statusOf(err) ?? 0)) return undefined;
    throw err;
  }
}
