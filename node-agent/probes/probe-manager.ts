import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../common/log/log.js';
import type { Container, Pod, Probe } from '../../common/schema/index.js';
import type { ObservedPod } from '../runtime/pod-runtime.js';
import { type ContainerProbes, newProbeHistory, type ProbeHistory, type ProbeKind, probeDelayMs, probeVerdict, recordOutcome } from './probe-decision.js';
import type { Prober, ProbeTarget } from './prober.js';

export interface ProbeManagerOptions {
  prober: Prober;
  /** A probe changed what a pod's container is (ready or not, to be restarted): reconcile the pod. */
  onChange(pod: Pod): void;
  /** A probe attempt failed; `message` is the Unhealthy event's ("Liveness probe failed: ..."). */
  onFailure(pod: Pod, message: string): void;
  log: Logger;
  clock?: () => number;
}

/** The probes of one running container instance. */
interface Tracked {
  podUid: string;
  probes: ContainerProbes;
  timers: Partial<Record<ProbeKind, NodeJS.Timeout>>;
  stopped: boolean;
}

const LABEL: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness' };

/**
 * Runs the readiness and liveness probes of running containers on their own timers. Keyed by
 * container id, so a restarted container starts with fresh results; the pod controller calls
 * `sync` with what Docker runs and reads `results()` when it plans.
 */
export class ProbeManager {
  readonly #opts: Required<ProbeManagerOptions>;
  readonly #containers = new Map<string, Tracked>();

  constructor(opts: ProbeManagerOptions) {
    this.#opts = { clock: Date.now, ...opts };
  }

  /** Starts probing the pod's running containers that have probes and stops probing the rest. */
  sync(pod: Pod, observed: ObservedPod | undefined): void {
    const uid = pod.metadata.uid ?? '';
    const running = new Map((observed?.containers ?? []).filter((c) => c.state === 'running').map((c) => [c.id, c]));
    for (const [id, tracked] of this.#containers) if (tracked.podUid === uid && !running.has(id)) this.#drop(id);
    const podIP = observed?.sandbox?.ip;
    if (!podIP) return;
    for (const [id, c] of running) {
      const spec = pod.spec.containers.find((s) => s.name === c.name);
      if (!spec || this.#containers.has(id) || !(spec.readinessProbe || spec.livenessProbe)) continue;
      const startedAt = Date.parse(c.startedAt ?? c.createdAt);
      // A container reported ready by this node before (an agent restart) stays ready until its probe says otherwise.
      const wasReady = pod.status?.containerStatuses?.some((s) => s.containerID === `docker://${id}` && s.ready) ?? false;
      const tracked: Tracked = { podUid: uid, probes: {}, timers: {}, stopped: false };
      this.#containers.set(id, tracked);
      const target: ProbeTarget = { containerId: id, podIP, container: spec };
      if (spec.readinessProbe) this.#start(pod, spec, 'readiness', spec.readinessProbe, target, tracked, startedAt, newProbeHistory('readiness', wasReady));
      if (spec.livenessProbe) this.#start(pod, spec, 'liveness', spec.livenessProbe, target, tracked, startedAt, newProbeHistory('liveness'));
    }
  }

  /** The probes' histories by container id, as they are now. */
  results(): ReadonlyMap<string, ContainerProbes> {
    return new Map([...this.#containers].map(([id, t]) => [id, t.probes]));
  }

  /** Stops probing a pod's containers (the pod is torn down). */
  forget(podUid: string): void {
    for (const [id, tracked] of this.#containers) if (tracked.podUid === podUid) this.#drop(id);
  }

  stop(): void {
    for (const id of [...this.#containers.keys()]) this.#drop(id);
  }

  #drop(id: string): void {
    const tracked = this.#containers.get(id);
    if (!tracked) return;
    tracked.stopped = true;
    Object.values(tracked.timers).forEach(clearTimeout);
    this.#containers.delete(id);
  }

  #start(pod: Pod, spec: Container, kind: ProbeKind, probe: Probe, target: ProbeTarget, tracked: Tracked, startedAt: number, initial: ProbeHistory): void {
    const { prober, clock, log } = this.#opts;
    tracked.probes[kind] = initial;
    let lastAttemptAt: number | undefined;
    const schedule = () => {
      if (tracked.stopped) return;
      const run = () =>
        void attempt().catch((err: Error) => {
          log.error({ err: err.message, pod: pod.metadata.name, container: spec.name, kind }, 'probe attempt failed to run');
          schedule();
        });
      tracked.timers[kind] = setTimeout(run, probeDelayMs(probe, startedAt, lastAttemptAt, clock())).unref();
    };
    const attempt = async () => {
      lastAttemptAt = clock();
      const outcome = await prober.probe(probe, target);
      if (tracked.stopped) return;
      const before = probeVerdict(spec, tracked.probes);
      const history = recordOutcome(tracked.probes[kind] ?? initial, probe, outcome);
      tracked.probes = { ...tracked.probes, [kind]: history };
      if (!outcome.ok) {
        log.debug({ pod: pod.metadata.name, container: spec.name, kind, message: outcome.message }, 'probe failed');
        this.#opts.onFailure(pod, `${LABEL[kind]} probe failed: ${outcome.message ?? ''}`);
      }
      if (!isDeepStrictEqual(before, probeVerdict(spec, tracked.probes))) this.#opts.onChange(pod);
      // A failed liveness probe means this instance is about to be killed; its successor gets a fresh worker.
      if (kind === 'liveness' && history.result === 'Failure') return;
      schedule();
    };
    schedule();
  }
}
