import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { firstHost, ipToNumber, numberToIp } from '../../common/net/address-ranges.js';
import type { Container, Pod } from '../../common/schema/index.js';
import type { ExecResult, LogOptions, NodeCapacity, ObservedContainer, ObservedPod, PodRuntime, RuntimeEvent } from '../../node-agent/runtime/pod-runtime.js';

interface FakeContainer extends ObservedContainer {
  pod: { uid: string; namespace: string; name: string; graceSeconds: number };
  output: string;
}

/**
 * An in-memory PodRuntime for unit tests of the agent: containers are records whose state moves as
 * the calls (and `exit`, a container dying by itself) say. It keeps the contract the Docker runtime
 * keeps (test/node-agent/pod-runtime-contract.test.ts); its programs honour SIGTERM and exit 0.
 */
export class FakePodRuntime implements PodRuntime {
  readonly #containers = new Map<string, FakeContainer>();
  readonly #sandboxes = new Map<string, { id: string; running: boolean; ip: string; createdAt: string }>();
  readonly #images = new Set<string>();
  readonly #listeners = new Set<(e: RuntimeEvent) => void>();
  #nextIp = 0;
  /** The nameserver app containers get, once the agent runs cluster DNS. */
  clusterDNS: string | undefined;
  /** Images no registry has: pulling one fails, as Docker's pull of an unknown image does. */
  readonly missingImages = new Set<string>();
  /** Pod directories removed, by uid. */
  readonly removedPodDirs: string[] = [];

  constructor(readonly nodeCapacity: NodeCapacity = { cpuMillis: 4000, memoryBytes: 8 * 2 ** 30 }) {}

  async ensureNetwork(cidr: string): Promise<string> {
    const gateway = firstHost(cidr);
    this.#nextIp = ipToNumber(gateway) + 1;
    return gateway;
  }

  useClusterDNS(nameserver: string): void {
    this.clusterDNS = nameserver;
  }

  async capacity(): Promise<NodeCapacity> {
    return this.nodeCapacity;
  }

  async listPods(only?: { namespace: string; name: string }): Promise<ObservedPod[]> {
    const pods = new Map<string, ObservedPod>();
    const podOf = (p: FakeContainer['pod']) => {
      const pod = pods.get(p.uid) ?? { uid: p.uid, namespace: p.namespace, name: p.name, containers: [], graceSeconds: p.graceSeconds };
      pods.set(p.uid, pod);
      return pod;
    };
    for (const c of this.#containers.values()) {
      if (only && (c.pod.namespace !== only.namespace || c.pod.name !== only.name)) continue;
      const { pod, output: _output, ...observed } = c;
      const sandbox = this.#sandboxes.get(c.id);
      if (sandbox) podOf(pod).sandbox = { ...sandbox };
      else podOf(pod).containers.push(observed);
    }
    return [...pods.values()];
  }

  async hasImage(image: string): Promise<boolean> {
    return this.#images.has(image);
  }

  /** Every fake image runs as root, as busybox does. */
  async imageUser(image: string): Promise<string | undefined> {
    return this.#images.has(image) ? '' : undefined;
  }

  async pullImage(image: string): Promise<void> {
    if (this.missingImages.has(image)) throw new Error(`pull access denied for ${image}: repository does not exist`);
    this.#images.add(image);
  }

  async createSandbox(pod: Pod): Promise<string> {
    const id = this.#add(pod, { name: 'POD', image: 'pause:latest', restartCount: 0 });
    this.#sandboxes.set(id, { id, running: true, ip: numberToIp(this.#nextIp++), createdAt: new Date().toISOString() });
    this.#emit(id, 'start');
    return id;
  }

  async createContainer(pod: Pod, container: Container, restartCount: number, _sandboxId: string): Promise<string> {
    return this.#add(pod, { name: container.name, image: container.image, restartCount });
  }

  async startContainer(id: string): Promise<void> {
    const c = this.#containers.get(id);
    if (!c || c.state === 'running') return;
    Object.assign(c, { state: 'running', startedAt: new Date().toISOString() });
    delete c.exitCode;
    delete c.finishedAt;
    this.#emit(id, 'start');
  }

  async stopContainer(id: string, _graceSeconds: number): Promise<void> {
    this.exit(id, 0);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.#containers.get(id);
    if (!c) return;
    this.#containers.delete(id);
    this.#sandboxes.delete(id);
    // As Docker's: a listener that looks at the containers on `destroy` no longer finds this one.
    this.#emitFor(c, 'destroy');
  }

  async removePodDir(uid: string): Promise<void> {
    this.removedPodDirs.push(uid);
  }

  async watchEvents(onEvent: (e: RuntimeEvent) => void, _onError: (err: Error) => void): Promise<() => void> {
    this.#listeners.add(onEvent);
    return () => this.#listeners.delete(onEvent);
  }

  async logs(id: string, _opts: LogOptions): Promise<Readable> {
    const out = new PassThrough();
    out.end(this.#containers.get(id)?.output ?? '');
    return out;
  }

  async exec(id: string, _command: string[]): Promise<ExecResult> {
    if (this.#containers.get(id)?.state !== 'running') throw new Error(`container ${id} is not running`);
    return { exitCode: 0, output: '' };
  }

  /** The container's program ends by itself (or is stopped) with `exitCode`; a stopped one stays as it was. */
  exit(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.#containers.get(id);
    const sandbox = this.#sandboxes.get(id);
    if (sandbox) sandbox.running = false;
    if (!c || c.state === 'exited' || (c.state === 'created' && !sandbox)) return;
    Object.assign(c, { state: 'exited', exitCode, finishedAt: new Date().toISOString(), ...(opts.oomKilled && { oomKilled: true }) });
    this.#emit(id, 'die');
  }

  /** Text the container printed, for `logs`. */
  print(id: string, text: string): void {
    const c = this.#containers.get(id);
    if (c) c.output += text;
  }

  #add(pod: Pod, c: Pick<ObservedContainer, 'name' | 'image' | 'restartCount'>): string {
    const id = randomBytes(32).toString('hex');
    const owner = {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      graceSeconds: pod.spec.terminationGracePeriodSeconds,
    };
    this.#containers.set(id, { ...c, id, state: 'created', createdAt: new Date().toISOString(), pod: owner, output: '' });
    return id;
  }

  #emit(id: string, action: string): void {
    const c = this.#containers.get(id);
    if (c) this.#emitFor(c, action);
  }

  #emitFor(c: FakeContainer, action: string): void {
    for (const listener of this.#listeners) listener({ uid: c.pod.uid, namespace: c.pod.namespace, name: c.pod.name, action });
  }
}
