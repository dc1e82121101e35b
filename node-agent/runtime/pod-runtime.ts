import type { Readable } from 'node:stream';
import type { Container, Pod } from '../../common/schema/index.js';

/** What of a container's log to read, as kubectl's `logs` options name it. */
export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  /** Prefix each line with its RFC 3339 time. */
  timestamps?: boolean;
  /** Only lines written since this many seconds ago. */
  sinceSeconds?: number;
}

/** One app container of a pod as Docker reports it; several attempts of the same container may coexist. */
export interface ObservedContainer {
  id: string;
  name: string;
  image: string;
  /** The image's content ID (`sha256:...`), as Kubernetes reports it in `imageID`. */
  imageID?: string;
  /** The attempt number this container was created for (0 for the first run). */
  restartCount: number;
  state: 'created' | 'running' | 'exited';
  exitCode?: number;
  /** Docker's reason a container could not start (bad command, missing mount source). */
  error?: string;
  oomKilled?: boolean;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** The pause container holding a pod's network namespace. */
export interface ObservedSandbox {
  id: string;
  running: boolean;
  ip?: string;
  createdAt: string;
}

/** Everything this node runs for one pod instance (one uid). */
export interface ObservedPod {
  uid: string;
  namespace: string;
  name: string;
  sandbox?: ObservedSandbox;
  containers: ObservedContainer[];
  /** The pod's termination grace period, kept on its containers so a pod deleted while the agent was down still gets it. */
  graceSeconds: number;
}

export interface NodeCapacity {
  cpuMillis: number;
  memoryBytes: number;
  /** What the container runtime says about the machine, for the Node's `status.nodeInfo`. */
  system?: { kernelVersion: string; osImage: string; architecture: string; containerRuntimeVersion: string; machineID: string };
}

/** A change to some pod's containers, as the runtime's event stream reports it. */
export interface RuntimeEvent {
  namespace: string;
  name: string;
  uid: string;
  action: string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

/**
 * What the pod controller needs from a container runtime. Every method is idempotent where it can
 * be, so a reconcile that crashed half-way can simply run again.
 */
export interface PodRuntime {
  /** Creates the pod network (a bridge on `cidr`) if missing; resolves with its gateway, the node's address on it. */
  ensureNetwork(cidr: string): Promise<string>;
  /** From now on, app containers get an /etc/resolv.conf naming `nameserver` (the node's cluster DNS) and their pod's search path. */
  useClusterDNS(nameserver: string): void;
  /** What the machine offers pods. */
  capacity(): Promise<NodeCapacity>;
  /** The pods this node runs (all, or those with one namespace/name), found by the labels on their containers. */
  listPods(only?: { namespace: string; name: string }): Promise<ObservedPod[]>;
  hasImage(image: string): Promise<boolean>;
  /** The user an image runs as by default (its config's User; '' for root), undefined when the image is absent. */
  imageUser(image: string): Promise<string | undefined>;
  pullImage(image: string): Promise<void>;
  /** Creates and starts the pause container; returns its id. */
  createSandbox(pod: Pod): Promise<string>;
  /** Creates an app container in the sandbox's network namespace (volumes prepared); returns its id. */
  createContainer(pod: Pod, container: Container, restartCount: number, sandboxId: string): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; a container already stopped is fine. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container; one already gone is fine. */
  removeContainer(id: string): Promise<void>;
  /** Removes the pod's directory (emptyDir volumes). */
  removePodDir(uid: string): Promise<void>;
  /** Calls `onEvent` for container lifecycle changes of this node's pods until the returned stop is called. */
  watchEvents(onEvent: (e: RuntimeEvent) => void, onError: (err: Error) => void): Promise<() => void>;
  /** The seam for `mkctl logs`: a container's stdout and stderr, demultiplexed, as one text stream. */
  logs(id: string, opts: LogOptions): Promise<Readable>;
  /** The seam for `mkctl exec`: runs a command in a running container and collects its output. */
  exec(id: string, command: string[]): Promise<ExecResult>;
}
