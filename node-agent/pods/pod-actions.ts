import type { Condition, Container, ContainerState, ContainerStatus, Pod, PodPhase, PodStatus } from '../../common/schema/index.js';
import { type ContainerProbes, probeVerdict } from '../probes/probe-decision.js';
import type { ObservedContainer, ObservedPod } from '../runtime/pod-runtime.js';
import { runAsNonRootViolation } from '../runtime/security-context.js';

/** Exponential back-off between restarts or pulls: `baseMs` doubling up to `maxMs` (kubelet: 10 s to 5 min). */
export interface BackOffPolicy {
  baseMs: number;
  maxMs: number;
}

/** The agent's memory of failed pulls for one container: Docker keeps no trace of them. */
export interface PullFailure {
  message: string;
  failedAt: number;
  failures: number;
}

export interface PodSyncInput {
  /** The desired pod (bound to this node). */
  pod: Pod;
  /** What Docker runs for this pod's uid, if anything. */
  observed: ObservedPod | undefined;
  imagesPresent: ReadonlySet<string>;
  /** By container name. A failure at or after `now` happened during this sync. */
  pullFailures: ReadonlyMap<string, PullFailure>;
  backOff: BackOffPolicy;
  nodeIP: string;
  /** When the sync began: back-off decisions are taken at this time. */
  now: number;
  /** When this round looked at the pod (now by default): a condition that turns in it is stamped with this time. */
  observedAt?: number;
  /** The default user of present images whose containers ask for runAsNonRoot. */
  imageUsers?: ReadonlyMap<string, string>;
  /** Readiness and liveness probe histories by container id; a probed container without any is not ready yet. */
  probes?: ReadonlyMap<string, ContainerProbes>;
}

export type PodAction =
  | { type: 'createSandbox' }
  | { type: 'pullImage'; container: string; image: string }
  | { type: 'runContainer'; container: string; restartCount: number }
  | { type: 'startContainer'; container: string; id: string }
  /** `message` is the Killing event's when it is not the plain "Stopping container". */
  | { type: 'killContainers'; ids: string[]; graceSeconds: number; message?: string }
  | { type: 'removeContainers'; ids: string[] }
  | { type: 'removePodDir'; uid: string };

export interface PodPlan {
  actions: PodAction[];
  status: PodStatus;
  /** When a back-off ends and the pod should be looked at again. */
  requeueAfterMs?: number;
}

export type ContainerWaitingReason =
  | 'ContainerCreating'
  | 'CrashLoopBackOff'
  | 'ErrImagePull'
  | 'ImagePullBackOff'
  | 'ErrImageNeverPull'
  | 'CreateContainerConfigError';
export type ContainerTerminatedReason = 'Completed' | 'Error' | 'OOMKilled' | 'StartError';

/** Delay before the attempt after `failures` consecutive failures; the first retry is immediate, as in kubelet. */
export function backOffDelayMs(policy: BackOffPolicy, failures: number): number {
  return failures <= 0 ? 0 : Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1));
}

/** Tears down everything observed for a pod: app containers get the pod's grace period, the sandbox none. */
export function planTeardown(observed: ObservedPod, graceSeconds = observed.graceSeconds): PodAction[] {
  const running = observed.containers.filter((c) => c.state === 'running').map((c) => c.id);
  const actions: PodAction[] = [];
  if (running.length > 0) actions.push({ type: 'killContainers', ids: running, graceSeconds });
  if (observed.sandbox?.running) actions.push({ type: 'killContainers', ids: [observed.sandbox.id], graceSeconds: 0 });
  const all = [...observed.containers.map((c) => c.id), ...(observed.sandbox ? [observed.sandbox.id] : [])];
  if (all.length > 0) actions.push({ type: 'removeContainers', ids: all });
  actions.push({ type: 'removePodDir', uid: observed.uid });
  return actions;
}

interface ContainerPlan {
  actions: PodAction[];
  status: ContainerStatus;
  /** Never started yet: keeps the pod Pending. */
  neverRan: boolean;
  retryAt?: number;
}

/**
 * Decides what to do for one desired pod and what its status is, from the desired spec, what Docker
 * runs and the back-off state. Pure: the pod controller applies the actions and writes the status.
 */
export function planPod(input: PodSyncInput): PodPlan {
  const { pod, observed } = input;
  // A finished pod is never restarted, whatever happens to its containers afterwards; only its
  // sandbox goes, giving back the pod IP. The exited containers stay for their logs. "Finished" is
  // what Docker shows, never the phase in the API: a phase someone else wrote must not stop a pod.
  if (observed && finishedInDocker(pod, observed)) {
    const containers = pod.spec.containers.map((c) =>
      containerPlan(
        c,
        observed.containers.filter((o) => o.name === c.name),
        input,
      ),
    );
    const sandbox: PodAction[] = observed.sandbox?.running ? [{ type: 'killContainers', ids: [observed.sandbox.id], graceSeconds: 0 }] : [];
    return { actions: [...containers.flatMap((c) => c.actions), ...sandbox], status: podStatus(input, containers) };
  }

  if (!observed?.sandbox?.running) {
    // Without a live sandbox the app containers' network namespace is gone: start the pod over.
    const stale = observed && (observed.sandbox || observed.containers.length > 0) ? planTeardown(observed, 0).filter((a) => a.type !== 'removePodDir') : [];
    const containers = pod.spec.containers.map((c) => waitingPlan(c, nextAttempt(c.name, input), input));
    return {
      actions: stale.length > 0 ? stale : [{ type: 'createSandbox' }],
      status: podStatus(input, containers),
      ...requeueOf(containers, input.now),
    };
  }

  const containers = pod.spec.containers.map((c) =>
    containerPlan(
      c,
      observed.containers.filter((o) => o.name === c.name),
      input,
    ),
  );
  return { actions: containers.flatMap((c) => c.actions), status: podStatus(input, containers), ...requeueOf(containers, input.now) };
}

function containerPlan(spec: Container, attempts: ObservedContainer[], input: PodSyncInput): ContainerPlan {
  const [current, previous, ...older] = [...attempts].sort((a, b) => b.restartCount - a.restartCount);
  // Keep the last dead attempt (its exit is lastState); older ones are garbage.
  const garbage: PodAction[] = older.length > 0 ? [{ type: 'removeContainers', ids: older.map((o) => o.id) }] : [];
  const lastState = previous && terminatedState(previous);
  if (!current) return waitingPlan(spec, nextAttempt(spec.name, input), input);

  const base = {
    name: spec.name,
    image: spec.image,
    imageID: current.imageID ?? '',
    containerID: `docker://${current.id}`,
    restartCount: current.restartCount,
  };
  if (current.state === 'running') {
    const verdict = probeVerdict(spec, input.probes?.get(current.id));
    const kill: PodAction[] = verdict.restart
      ? [{ type: 'killContainers', ids: [current.id], graceSeconds: input.pod.spec.terminationGracePeriodSeconds, message: verdict.restart }]
      : [];
    return {
      actions: [...garbage, ...kill],
      status: {
        ...base,
        ready: verdict.ready,
        started: true,
        state: { running: { startedAt: current.startedAt ?? current.createdAt } },
        ...(lastState && { lastState }),
      },
      neverRan: false,
    };
  }
  if (current.state === 'created' && !current.error) {
    return {
      actions: [...garbage, { type: 'startContainer', container: spec.name, id: current.id }],
      status: { ...base, ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } }, ...(lastState && { lastState }) },
      neverRan: current.restartCount === 0,
    };
  }

  const terminated = terminatedState(current);
  const restartPolicy = input.pod.spec.restartPolicy;
  const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && current.exitCode !== 0);
  if (!restart) {
    return { actions: garbage, status: { ...base, ready: false, started: false, state: terminated, ...(lastState && { lastState }) }, neverRan: false };
  }
  const delay = backOffDelayMs(input.backOff, current.restartCount);
  const retryAt = Date.parse(current.finishedAt ?? current.createdAt) + delay;
  if (input.now < retryAt) {
    const message = `back-off ${formatSeconds(delay)} restarting failed container=${spec.name} pod=${input.pod.metadata.name}`;
    return {
      actions: garbage,
      status: { ...base, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message } }, lastState: terminated },
      neverRan: false,
      retryAt,
    };
  }
  // Until the next attempt exists, the dead one is the container's state and its count the restart count
  // (as in kubelet): a count of N always comes with the exit of attempt N-1 as lastState.
  const next = waitingPlan(spec, current.restartCount + 1, input);
  return {
    ...next,
    actions: [...garbage, ...next.actions],
    status: { ...base, ready: false, started: false, state: terminated, ...(lastState && { lastState }) },
    neverRan: false,
  };
}

/**
 * The attempt number of a container created anew when none of it is left in Docker (its sandbox died with
 * the node's dockerd, or it was removed): one past the last attempt Docker or the pod's status knows of, so
 * RESTARTS counts containers recreated after a restart; 0 for a container that never existed.
 */
function nextAttempt(name: string, input: PodSyncInput): number {
  const seen = (input.observed?.containers ?? []).filter((c) => c.name === name).map((c) => c.restartCount + 1);
  const reported = input.pod.status?.containerStatuses?.find((c) => c.name === name);
  const fromStatus = reported ? reported.restartCount + (reported.containerID ? 1 : 0) : 0;
  return Math.max(0, fromStatus, ...seen);
}

/** A container to be (re)created as attempt `restartCount`: pull first when needed, honouring pull back-off. */
function waitingPlan(spec: Container, restartCount: number, input: PodSyncInput): ContainerPlan {
  const waiting = (reason: ContainerWaitingReason, message?: string): ContainerStatus => ({
    name: spec.name,
    image: spec.image,
    imageID: '',
    ready: false,
    started: false,
    restartCount,
    state: { waiting: { reason, ...(message !== undefined && { message }) } },
  });
  const neverRan = restartCount === 0;
  const failure = input.pullFailures.get(spec.name);
  if (failure) {
    const retryAt = failure.failedAt + backOffDelayMs(input.backOff, failure.failures);
    if (input.now < retryAt) {
      const reason = failure.failedAt >= input.now ? 'ErrImagePull' : 'ImagePullBackOff';
      const message = reason === 'ErrImagePull' ? failure.message : `Back-off pulling image "${spec.image}": ${failure.message}`;
      return { actions: [], status: waiting(reason, message), neverRan, retryAt };
    }
  }
  const policy = spec.imagePullPolicy ?? 'IfNotPresent';
  const present = input.imagesPresent.has(spec.image);
  if (policy === 'Never' && !present) {
    return { actions: [], status: waiting('ErrImageNeverPull', `image "${spec.image}" is not present and imagePullPolicy is Never`), neverRan };
  }
  const imageUser = input.imageUsers?.get(spec.image);
  const nonRoot = present && imageUser !== undefined ? runAsNonRootViolation(input.pod, spec, imageUser) : undefined;
  if (nonRoot) return { actions: [], status: waiting('CreateContainerConfigError', nonRoot), neverRan };
  const pull: PodAction[] = policy === 'Always' || !present ? [{ type: 'pullImage', container: spec.name, image: spec.image }] : [];
  return { actions: [...pull, { type: 'runContainer', container: spec.name, restartCount }], status: waiting('ContainerCreating'), neverRan };
}

/**
 * Whether the pod's containers have all run and exited for good under its restart policy, as Docker
 * reports them (the latest attempt of each container).
 */
function finishedInDocker(pod: Pod, observed: ObservedPod): boolean {
  if (pod.spec.restartPolicy === 'Always') return false;
  const latest = pod.spec.containers.map((c) => observed.containers.filter((o) => o.name === c.name).sort((a, b) => b.restartCount - a.restartCount)[0]);
  const exited = latest.every((c) => c !== undefined && (c.state === 'exited' || (c.state === 'created' && c.error !== undefined)));
  if (!exited) return false;
  const succeeded = latest.every((c) => terminatedState(c!).terminated?.exitCode === 0);
  return pod.spec.restartPolicy === 'Never' || succeeded;
}

function terminatedState(c: ObservedContainer): ContainerState {
  const exitCode = c.exitCode ?? (c.error ? 128 : 0);
  const reason: ContainerTerminatedReason = c.error ? 'StartError' : c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  return {
    terminated: {
      exitCode,
      reason,
      ...(c.error && { message: c.error }),
      ...(c.startedAt && { startedAt: c.startedAt }),
      ...(c.finishedAt && { finishedAt: c.finishedAt }),
    },
  };
}

function podPhase(pod: Pod, containers: ContainerPlan[]): PodPhase {
  if (containers.some((c) => c.neverRan)) return 'Pending';
  if (containers.some((c) => c.status.state.running)) return 'Running';
  const succeeded = containers.every((c) => c.status.state.terminated?.exitCode === 0);
  switch (pod.spec.restartPolicy) {
    case 'Always':
      return 'Running';
    case 'OnFailure':
      return succeeded ? 'Succeeded' : 'Running';
    case 'Never':
      return succeeded ? 'Succeeded' : 'Failed';
  }
}

function podStatus(input: PodSyncInput, containers: ContainerPlan[]): PodStatus {
  const { pod, observed, now } = input;
  const unready = containers.filter((c) => !c.status.ready).map((c) => c.status.name);
  const previous = pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const status = ok ? 'True' : 'False';
    const before = previous.find((c) => c.type === type && c.status === status);
    return {
      type,
      status,
      ...(reason && { reason }),
      ...(message && { message }),
      lastTransitionTime: before?.lastTransitionTime ?? new Date(input.observedAt ?? now).toISOString(),
    };
  };
  const notReady = unready.length > 0 ? `containers with unready status: [${unready.join(' ')}]` : undefined;
  const startTime = pod.status?.startTime ?? observed?.sandbox?.createdAt;
  const podIP = observed?.sandbox?.running ? observed.sandbox.ip : undefined;
  return {
    phase: podPhase(pod, containers),
    hostIP: input.nodeIP,
    hostIPs: [{ ip: input.nodeIP }],
    ...(podIP && { podIP, podIPs: [{ ip: podIP }] }),
    ...(startTime && { startTime }),
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', !notReady, notReady && 'ContainersNotReady', notReady),
      condition('Ready', !notReady, notReady && 'ContainersNotReady', notReady),
    ],
    containerStatuses: containers.map((c) => c.status),
  };
}

function requeueOf(containers: ContainerPlan[], now: number): { requeueAfterMs?: number } {
  const at = containers.flatMap((c) => (c.retryAt === undefined ? [] : [c.retryAt]));
  return at.length > 0 ? { requeueAfterMs: Math.max(0, Math.min(...at) - now) } : {};
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
