import { isDeepStrictEqual } from 'node:util';
import type { ApiClient } from '../../common/client/api-client.js';
import { Informer } from '../../common/client/informer.js';
import type { ListWatchSource } from '../../common/client/list-watch-source.js';
import type { InvolvedObject } from '../../common/client/new-event.js';
import { WorkQueue } from '../../common/controller/work-queue.js';
import { createLogger, type Logger } from '../../common/log/log.js';
import { type Pod, type PodStatus, parseRefKey, refKey } from '../../common/schema/index.js';
import { AgentProber } from '../probes/agent-prober.js';
import { ProbeManager } from '../probes/probe-manager.js';
import type { Prober } from '../probes/prober.js';
import type { ObservedPod, PodRuntime } from '../runtime/pod-runtime.js';
import { followRuntimeEvents } from '../runtime/runtime-events.js';
import { effectiveSecurityContext } from '../runtime/security-context.js';
import { type BackOffPolicy, type PodAction, type PullFailure, planPod, planTeardown } from './pod-actions.js';
import { claimsUnobserved } from './unobserved-claims.js';

/** The API calls the pod controller makes besides list/watch. */
export type PodApi = ListWatchSource & Pick<ApiClient, 'updateStatus' | 'recordEvent'>;

export interface PodControllerOptions {
  nodeName: string;
  nodeIP: string;
  api: PodApi;
  runtime: PodRuntime;
  /** Restart and pull back-off; kubelet's 10 s doubling to 5 min by default. */
  backOff?: BackOffPolicy;
  /** Every pod is looked at again this often, a backstop for missed events. */
  resyncMs?: number;
  /** Runs readiness and liveness probes; by default from this process's network namespace and the runtime's exec. */
  prober?: Prober;
  log?: Logger;
  clock?: () => number;
}

/** Actions then a fresh look, a few times per reconcile; more than that and the key is queued again. */
const MAX_ROUNDS = 4;

/**
 * Keeps Docker in line with the pods bound to this node. Pod changes (informer) and container
 * lifecycle events (Docker) enqueue pod keys; a reconcile reads the desired pod from the cache and
 * the containers from Docker, applies `planPod`'s actions and writes the status when it changed.
 */
export class PodController {
  readonly #opts: Required<Omit<PodControllerOptions, 'log' | 'prober'>>;
  readonly #log: Logger;
  readonly #informer: Informer<'Pod'>;
  readonly #queue: WorkQueue;
  readonly #probes: ProbeManager;
  /** By pod uid, then container name. */
  readonly #pullFailures = new Map<string, Map<string, PullFailure>>();
  #stopEvents: (() => void) | undefined;
  #resync: NodeJS.Timeout | undefined;

  constructor(opts: PodControllerOptions) {
    this.#opts = { backOff: { baseMs: 10_000, maxMs: 300_000 }, resyncMs: 30_000, clock: Date.now, ...opts };
    this.#log = opts.log ?? createLogger('pod-controller', { node: opts.nodeName });
    this.#informer = new Informer(opts.api, 'Pod', { log: this.#log });
    this.#queue = new WorkQueue('pods', (key) => this.reconcile(key), this.#log, { concurrency: 4 });
    this.#probes = new ProbeManager({
      prober: opts.prober ?? new AgentProber((id, command) => opts.runtime.exec(id, command)),
      onChange: (pod) => this.#queue.add(refKey({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name })),
      onFailure: (pod, message) => void this.#event(pod, 'Warning', 'Unhealthy', message),
      log: this.#log,
    });
  }

  /** Starts once the pod cache is filled, so pods deleted while the agent was down are told from pods not yet seen. */
  async start(): Promise<void> {
    this.#informer.onChange((e) => {
      if (e.object.spec.nodeName === this.#opts.nodeName) this.#queue.add(e.key);
    });
    await this.#informer.start();
    await this.#watchRuntime();
    await this.#correctUnobserved();
    await this.#enqueueAll();
    this.#resync = setInterval(() => void this.#enqueueAll(), this.#opts.resyncMs * (0.9 + Math.random() * 0.2));
    this.#resync.unref();
  }

  /** Resolves when no pod is queued or being reconciled. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Stops watching and reconciling; containers keep running. */
  async stop(): Promise<void> {
    clearInterval(this.#resync);
    this.#informer.stop();
    this.#stopEvents?.();
    await this.#queue.stop();
    this.#probes.stop();
  }

  async reconcile(key: string): Promise<{ requeueAfterMs?: number }> {
    const { namespace = 'default', name } = parseRefKey(key);
    const cached = this.#informer.get(key);
    const desired = cached && cached.spec.nodeName === this.#opts.nodeName && !cached.metadata.deletionTimestamp ? cached : undefined;
    const instances = await this.#opts.runtime.listPods({ namespace, name });
    // A pod deleted, bound elsewhere, or replaced by a new one of the same name (new uid).
    for (const stale of instances.filter((p) => p.uid !== desired?.metadata.uid)) await this.#teardown(stale);
    if (!desired) return {};

    // Decisions at the sync's start (a pull that fails during it is ErrImagePull, not yet its back-off); condition
    // stamps at each round's own time (Ready once the containers run, not when the sync began).
    const now = this.#opts.clock();
    let observed = instances.find((p) => p.uid === desired.metadata.uid);
    let plan = await this.#plan(desired, observed, now, now);
    if (plan.actions.length > 0 && claimsUnobserved(desired.status, plan.status)) await this.#writeStatus(desired, plan.status);
    for (let round = 0; plan.actions.length > 0 && round < MAX_ROUNDS; round++) {
      await this.#apply(desired, observed, plan.actions);
      observed = (await this.#opts.runtime.listPods({ namespace, name })).find((p) => p.uid === desired.metadata.uid);
      plan = await this.#plan(desired, observed, now, this.#opts.clock());
    }
    await this.#writeStatus(desired, plan.status);
    if (plan.actions.length > 0) return { requeueAfterMs: 0 };
    return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
  }

  /**
   * Before the first reconcile: every pod of this node whose stored status claims what Docker does not
   * show (after a dockerd restart: old IPs, Ready) is corrected in one quick pass, instead of one by one as
   * their containers get recreated.
   */
  async #correctUnobserved(): Promise<void> {
    const running = await this.#opts.runtime.listPods();
    const now = this.#opts.clock();
    for (const pod of this.#informer.list()) {
      if (pod.spec.nodeName !== this.#opts.nodeName || pod.metadata.deletionTimestamp) continue;
      const plan = await this.#plan(
        pod,
        running.find((p) => p.uid === pod.metadata.uid),
        now,
      );
      if (claimsUnobserved(pod.status, plan.status))
        await this.#writeStatus(pod, plan.status).catch((err: Error) =>
          this.#log.warn({ err: err.message, pod: pod.metadata.name }, 'could not correct a pod status'),
        );
    }
  }

  async #plan(pod: Pod, observed: ObservedPod | undefined, now: number, observedAt = now) {
    const uid = pod.metadata.uid ?? '';
    const images = [...new Set(pod.spec.containers.map((c) => c.image))];
    const present = await Promise.all(images.map((i) => this.#opts.runtime.hasImage(i)));
    // runAsNonRoot is checked against the image's own user, which only Docker knows.
    const nonRootImages = [...new Set(pod.spec.containers.filter((c) => effectiveSecurityContext(pod, c).runAsNonRoot).map((c) => c.image))];
    const users = await Promise.all(nonRootImages.map(async (i) => [i, await this.#opts.runtime.imageUser(i)] as const));
    this.#probes.sync(pod, observed);
    return planPod({
      pod,
      observed,
      imagesPresent: new Set(images.filter((_, i) => present[i])),
      imageUsers: new Map(users.flatMap(([i, u]) => (u === undefined ? [] : [[i, u] as const]))),
      pullFailures: this.#pullFailures.get(uid) ?? new Map(),
      backOff: this.#opts.backOff,
      nodeIP: this.#opts.nodeIP,
      now,
      observedAt,
      probes: this.#probes.results(),
    });
  }

  async #apply(pod: Pod, observed: ObservedPod | undefined, actions: PodAction[]): Promise<void> {
    const { runtime } = this.#opts;
    const uid = pod.metadata.uid ?? '';
    let sandboxId = observed?.sandbox?.id;
    const failedPulls = new Set<string>();
    for (const a of actions) {
      switch (a.type) {
        case 'createSandbox':
          sandboxId = await runtime.createSandbox(pod);
          break;
        case 'pullImage':
          await this.#event(pod, 'Normal', 'Pulling', `Pulling image "${a.image}"`);
          try {
            await runtime.pullImage(a.image);
            this.#pullFailures.get(uid)?.delete(a.container);
            await this.#event(pod, 'Normal', 'Pulled', `Successfully pulled image "${a.image}"`);
          } catch (err) {
            // Recorded, not thrown: the pull back-off is the pod's, and the other containers go on.
            const failures = this.#pullFailures.get(uid) ?? new Map<string, PullFailure>();
            this.#pullFailures.set(uid, failures);
            const message = (err as Error).message;
            failures.set(a.container, { message, failedAt: this.#opts.clock(), failures: (failures.get(a.container)?.failures ?? 0) + 1 });
            failedPulls.add(a.container);
            await this.#event(pod, 'Warning', 'Failed', `Failed to pull image "${a.image}": ${message}`);
          }
          break;
        case 'runContainer': {
          if (failedPulls.has(a.container) || !sandboxId) break;
          const spec = pod.spec.containers.find((c) => c.name === a.container)!;
          const id = await runtime.createContainer(pod, spec, a.restartCount, sandboxId);
          await this.#event(pod, 'Normal', 'Created', `Created container ${a.container}`);
          await this.#start(pod, a.container, id);
          break;
        }
        case 'startContainer':
          await this.#start(pod, a.container, a.id);
          break;
        case 'killContainers':
        case 'removeContainers':
        case 'removePodDir':
          await this.#applyTeardown(pod, observed, a);
          break;
      }
    }
  }

  /** A start that fails leaves a container Docker reports with its error: the restart policy takes it from there. */
  async #start(pod: Pod, container: string, id: string): Promise<void> {
    try {
      await this.#opts.runtime.startContainer(id);
      await this.#event(pod, 'Normal', 'Started', `Started container ${container}`);
    } catch (err) {
      await this.#event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
    }
  }

  async #teardown(observed: ObservedPod): Promise<void> {
    const about: InvolvedObject = { kind: 'Pod', namespace: observed.namespace, name: observed.name, uid: observed.uid };
    for (const a of planTeardown(observed)) await this.#applyTeardown(about, observed, a);
    this.#pullFailures.delete(observed.uid);
    this.#probes.forget(observed.uid);
  }

  async #applyTeardown(about: Pod | InvolvedObject, observed: ObservedPod | undefined, a: PodAction): Promise<void> {
    const { runtime } = this.#opts;
    if (a.type === 'killContainers') {
      await Promise.all(
        a.ids.map(async (id) => {
          const c = observed?.containers.find((o) => o.id === id);
          if (c) await this.#event(about, 'Normal', 'Killing', a.message ?? `Stopping container ${c.name}`);
          await runtime.stopContainer(id, a.graceSeconds);
        }),
      );
    } else if (a.type === 'removeContainers') {
      await Promise.all(a.ids.map((id) => runtime.removeContainer(id)));
    } else if (a.type === 'removePodDir') {
      await runtime.removePodDir(a.uid);
    }
  }

  async #writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    // Compared as JSON would carry it: absent and undefined fields are the same thing.
    const next = JSON.parse(JSON.stringify(status)) as PodStatus;
    if (isDeepStrictEqual(next, pod.status)) return;
    // The status PUT names the pod, not its uid: don't report on a newer pod of the same name. (A
    // replacement in the instant before the write is still possible; its own reconcile then corrects it.)
    const key = refKey({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
    if (this.#informer.get(key)?.metadata.uid !== pod.metadata.uid) return;
    for (const c of next.containerStatuses ?? []) {
      const reason = c.state.waiting?.reason;
      const before = pod.status?.containerStatuses?.find((p) => p.name === c.name)?.state.waiting?.reason;
      if ((reason === 'CrashLoopBackOff' || reason === 'ImagePullBackOff') && before !== reason)
        await this.#event(
          pod,
          'Warning',
          'BackOff',
          reason === 'CrashLoopBackOff' ? `Back-off restarting failed container ${c.name}` : `Back-off pulling image "${c.image}"`,
        );
    }
    await this.#opts.api.updateStatus({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }, next);
  }

  /** Events are best effort: a lost one must not stop a pod from being run. */
  async #event(about: Pod | InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    try {
      await this.#opts.api.recordEvent(about, type, reason, message, { component: 'node-agent', host: this.#opts.nodeName });
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, reason }, 'could not record event');
    }
  }

  async #watchRuntime(): Promise<void> {
    const events = await followRuntimeEvents({
      runtime: this.#opts.runtime,
      onEvent: (e) => this.#queue.add(refKey({ kind: 'Pod', namespace: e.namespace, name: e.name })),
      onResubscribed: () => void this.#enqueueAll(),
      log: this.#log,
    });
    this.#stopEvents = () => events.stop();
  }

  async #enqueueAll(): Promise<void> {
    for (const pod of this.#informer.list())
      if (pod.spec.nodeName === this.#opts.nodeName) this.#queue.add(refKey({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }));
    try {
      for (const p of await this.#opts.runtime.listPods()) this.#queue.add(refKey({ kind: 'Pod', namespace: p.namespace, name: p.name }));
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not list pods in docker');
    }
  }
}
