import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { LABELS, SANDBOX } from './docker-labels.js';
import type { ObservedContainer, ObservedPod, ObservedSandbox, RuntimeEvent } from './pod-runtime.js';

/** Groups inspected containers into the pods they belong to (by the pod uid label); the sandbox is recognised by its label. */
export function podsOf(inspects: Dockerode.ContainerInspectInfo[], networkName: string): ObservedPod[] {
  const pods = new Map<string, ObservedPod>();
  for (const inspect of inspects) {
    const labels = inspect.Config.Labels ?? {};
    const uid = labels[LABELS.podUid] ?? '';
    const pod = pods.get(uid) ?? { uid, namespace: labels[LABELS.podNamespace] ?? '', name: labels[LABELS.podName] ?? '', containers: [], graceSeconds: 0 };
    pods.set(uid, pod);
    pod.graceSeconds = Math.max(pod.graceSeconds, Number(labels[LABELS.graceSeconds] ?? 0));
    if (labels[LABELS.container] === SANDBOX) pod.sandbox = sandboxOf(inspect, networkName);
    else pod.containers.push(containerOf(inspect));
  }
  return [...pods.values()];
}

export function sandboxOf(inspect: Dockerode.ContainerInspectInfo, networkName: string): ObservedSandbox {
  const ip = inspect.NetworkSettings.Networks?.[networkName]?.IPAddress;
  return { id: inspect.Id, running: inspect.State.Running, createdAt: inspect.Created, ...(ip && { ip }) };
}

export function containerOf(inspect: Dockerode.ContainerInspectInfo): ObservedContainer {
  const labels = inspect.Config.Labels ?? {};
  const s = inspect.State;
  const state = s.Running || s.Paused || s.Restarting ? 'running' : s.Status === 'created' ? 'created' : 'exited';
  return {
    id: inspect.Id,
    name: labels[LABELS.container] ?? '',
    image: inspect.Config.Image,
    imageID: inspect.Image,
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

/**
 * Splits Docker's event stream into its lines as chunks arrive: a line (or a UTF-8 character) may span
 * chunks, so the unfinished rest is kept for the next one.
 */
export function eventLineSplitter(): (chunk: Buffer) => string[] {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  return (chunk) => {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim());
  };
}

/** One line of Docker's event stream (JSON) as the pod it concerns and what happened; undefined for a line that is not a JSON object. */
export function runtimeEventOf(line: string): RuntimeEvent | undefined {
  let e: { Action?: unknown; Actor?: { Attributes?: Record<string, string> } };
  try {
    e = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  const a = e.Actor?.Attributes ?? {};
  return {
    namespace: a[LABELS.podNamespace] ?? '',
    name: a[LABELS.podName] ?? '',
    uid: a[LABELS.podUid] ?? '',
    action: typeof e.Action === 'string' ? e.Action : '',
  };
}

/** Docker's multiplexed log format: 8-byte frame headers (stream, size) before each chunk. */
export function demuxBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts);
}
