import type { Container, Probe } from '../../common/schema/index.js';

export type ProbeKind = 'readiness' | 'liveness';
export type ProbeResult = 'Success' | 'Failure';

/** One probe attempt: `message` says why it failed (the Unhealthy event's text). */
export interface ProbeOutcome {
  ok: boolean;
  message?: string;
}

/** The recent attempts of one probe on one container instance, and the result they add up to. */
export interface ProbeHistory {
  result: ProbeResult;
  /** The latest attempt's result and how many attempts in a row had it. */
  last?: ProbeResult;
  run: number;
}

/** Both probes' histories for one container instance (by container id). */
export interface ContainerProbes {
  readiness?: ProbeHistory;
  liveness?: ProbeHistory;
}

/** What the probes ask of a running container. */
export interface ProbeVerdict {
  ready: boolean;
  /** Set when the liveness probe failed: the Killing event's message. */
  restart?: string;
}

/**
 * kubelet's starting results: a container is not ready before its readiness probe passes, and is
 * alive until its liveness probe fails. `wasReady` carries readiness over to a new agent process.
 */
export function newProbeHistory(kind: ProbeKind, wasReady = false): ProbeHistory {
  return { result: kind === 'liveness' || wasReady ? 'Success' : 'Failure', run: 0 };
}

/** The result changes only after `successThreshold` successes or `failureThreshold` failures in a row. */
export function recordOutcome(history: ProbeHistory, probe: Probe, outcome: ProbeOutcome): ProbeHistory {
  const latest: ProbeResult = outcome.ok ? 'Success' : 'Failure';
  const run = history.last === latest ? history.run + 1 : 1;
  const threshold = outcome.ok ? probe.successThreshold : probe.failureThreshold;
  return { result: run >= threshold ? latest : history.result, last: latest, run };
}

/** Readiness and restart of a running container, from its spec and its probes' histories. */
export function probeVerdict(spec: Container, probes: ContainerProbes | undefined): ProbeVerdict {
  const ready = !spec.readinessProbe || (probes?.readiness ?? newProbeHistory('readiness')).result === 'Success';
  const failed = spec.livenessProbe && probes?.liveness?.result === 'Failure';
  return { ready, ...(failed && { restart: `Container ${spec.name} failed liveness probe, will be restarted` }) };
}

/** Milliseconds until the next attempt: `initialDelaySeconds` after the start, then every `periodSeconds`. */
export function probeDelayMs(probe: Probe, startedAt: number, lastAttemptAt: number | undefined, now: number): number {
  const at = lastAttemptAt === undefined ? startedAt + probe.initialDelaySeconds * 1000 : lastAttemptAt + probe.periodSeconds * 1000;
  return Math.max(0, at - now);
}
