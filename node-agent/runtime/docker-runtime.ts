import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { createLogger } from '../../common/log/log.js';
import { firstHost } from '../../common/net/address-ranges.js';
import type { Container, Pod } from '../../common/schema/index.js';
import { podResolvConf } from '../dns/resolv-conf.js';
import { appContainerOptions, type DockerPlacement, podNetworkOptions, sandboxOptions, withTag } from './docker-create-options.js';
import { LABELS } from './docker-labels.js';
import { demuxBuffer, eventLineSplitter, podsOf, runtimeEventOf } from './docker-observed.js';
import type { ExecResult, LogOptions, NodeCapacity, ObservedPod, PodRuntime, RuntimeEvent } from './pod-runtime.js';
import { effectiveSecurityContext } from './security-context.js';

const log = createLogger('docker-runtime');

export interface DockerRuntimeOptions {
  nodeName: string;
  /** Pod directories (emptyDir volumes) live under `<stateDir>/pods/<uid>`. */
  stateDir: string;
  networkName?: string;
  bridgeName?: string;
  pauseImage?: string;
  /** Where `functionCode` volumes come from (the node's function code); without it such pods fail to start. */
  functionCode?: { ensure(namespace: string, name: string): Promise<string> };
}

/**
 * The pod runtime on Docker: a pause container per pod holds the network namespace every app container
 * joins. What is asked of Docker and how its answers read is in docker-create-options.ts and
 * docker-observed.ts; this file only talks to the daemon and the pod directories.
 */
export class DockerRuntime implements PodRuntime {
  readonly #docker: Dockerode;
  readonly #opts: Required<Omit<DockerRuntimeOptions, 'functionCode'>> & Pick<DockerRuntimeOptions, 'functionCode'>;
  readonly #placement: DockerPlacement;
  #clusterDNS: string | undefined;

  constructor(docker: Dockerode, opts: DockerRuntimeOptions) {
    this.#docker = docker;
    this.#opts = { networkName: 'minik8s', bridgeName: 'mk8s-pods', pauseImage: 'pause:latest', ...opts };
    this.#placement = { nodeName: this.#opts.nodeName, networkName: this.#opts.networkName };
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
      await this.#docker.createNetwork(podNetworkOptions(networkName, bridgeName, cidr, gateway));
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
    const info = (await this.#docker.info()) as {
      NCPU: number;
      MemTotal: number;
      KernelVersion?: string;
      OperatingSystem?: string;
      Architecture?: string;
      ServerVersion?: string;
      ID?: string;
    };
    const system = {
      kernelVersion: info.KernelVersion ?? '',
      osImage: info.OperatingSystem ?? '',
      architecture: info.Architecture === 'x86_64' ? 'amd64' : info.Architecture === 'aarch64' ? 'arm64' : (info.Architecture ?? ''),
      containerRuntimeVersion: `docker://${info.ServerVersion ?? ''}`,
      machineID: info.ID ?? '',
    };
    return { cpuMillis: info.NCPU * 1000, memoryBytes: info.MemTotal, system };
  }

  async listPods(only?: { namespace: string; name: string }): Promise<ObservedPod[]> {
    const pod = only ? [`${LABELS.podNamespace}=${only.namespace}`, `${LABELS.podName}=${only.name}`] : [];
    const infos = await this.#docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${this.#opts.nodeName}`, ...pod] } });
    const inspects: Dockerode.ContainerInspectInfo[] = [];
    for (const info of infos) {
      // A container removed between the list and the inspect is simply no longer there.
      const inspect = await ignoreStatus(404, this.#docker.getContainer(info.Id).inspect());
      if (inspect) inspects.push(inspect);
    }
    return podsOf(inspects, this.#opts.networkName);
  }

  async hasImage(image: string): Promise<boolean> {
    return (await ignoreStatus(404, this.#docker.getImage(image).inspect())) !== undefined;
  }

  async imageUser(image: string): Promise<string | undefined> {
    return (await ignoreStatus(404, this.#docker.getImage(image).inspect()))?.Config?.User;
  }

  /** The image's user, when a runAsGroup without runAsUser needs it to name the user Docker runs as. */
  async #groupOnlyImageUser(pod: Pod, container: Container): Promise<string | undefined> {
    const sc = effectiveSecurityContext(pod, container);
    return sc.runAsGroup !== undefined && sc.runAsUser === undefined ? await this.imageUser(container.image) : undefined;
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
    // A function instance's code is fetched while its sandbox starts (a cold start waits for both); a failure here
    // is createContainer's to report, when it asks again.
    const code = this.#fetchFunctionCode(pod).catch(() => undefined);
    const image = this.#opts.pauseImage;
    if (!(await this.hasImage(image))) await this.pullImage(image);
    const c = await this.#docker.createContainer(sandboxOptions(this.#placement, pod, image));
    await c.start();
    await code;
    return c.id;
  }

  async createContainer(pod: Pod, container: Container, restartCount: number, sandboxId: string): Promise<string> {
    const binds = [...(await this.#prepareVolumes(pod, container)), ...(await this.#resolvConfBinds(pod))];
    const imageUser = await this.#groupOnlyImageUser(pod, container);
    const c = await this.#docker.createContainer(appContainerOptions(this.#placement, pod, container, restartCount, sandboxId, binds, imageUser));
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
    const lines = eventLineSplitter();
    // Nothing thrown here may escape: an exception in a stream's data handler ends the agent.
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines(chunk)) {
        const event = runtimeEventOf(line);
        if (!event) {
          log.warn({ line: line.slice(0, 200) }, 'skipped a docker event line that is not JSON (the periodic resync sees what it was about)');
          continue;
        }
        try {
          onEvent(event);
        } catch (err) {
          log.error({ err: (err as Error).message, event }, 'handling a docker event failed');
        }
      }
    });
    stream.on('error', onError);
    stream.on('end', () => onError(new Error('docker event stream ended')));
    return () => {
      stream.removeAllListeners('end');
      stream.destroy();
    };
  }

  async logs(id: string, opts: LogOptions): Promise<Readable> {
    const base = {
      stdout: true,
      stderr: true,
      ...(opts.tailLines !== undefined && { tail: opts.tailLines }),
      ...(opts.timestamps && { timestamps: true }),
      ...(opts.sinceSeconds !== undefined && { since: Math.floor(Date.now() / 1000) - opts.sinceSeconds }),
    };
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

  #podDir(uid: string): string {
    return join(this.#opts.stateDir, 'pods', uid);
  }

  async #fetchFunctionCode(pod: Pod): Promise<void> {
    const { functionCode } = this.#opts;
    if (!functionCode) return;
    for (const v of pod.spec.volumes ?? []) if (v.functionCode) await functionCode.ensure(pod.metadata.namespace ?? 'default', v.functionCode.name);
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
      } else if (v.functionCode) {
        if (!this.#opts.functionCode) throw new Error(`volume ${v.name}: this node keeps no function code`);
        source = await this.#opts.functionCode.ensure(pod.metadata.namespace ?? 'default', v.functionCode.name);
      } else {
        source = join(this.#podDir(pod.metadata.uid ?? ''), 'volumes', v.name);
        await mkdir(source, { recursive: true });
      }
      binds.push(`${source}:${m.mountPath}${m.readOnly || v.functionCode ? ':ro' : ''}`);
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
