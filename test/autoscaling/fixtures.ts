import type { HorizontalPodAutoscaler, Pod } from '../../common/schema/index.js';
import type { PodMetric } from '../../reconciler/autoscaling/pod-metrics.js';

export const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

export interface PodOptions {
  cpu?: string;
  memory?: string;
  ready?: boolean;
  phase?: 'Pending' | 'Running' | 'Failed';
  /** How long ago it started (10 min: past the CPU initialization period). */
  startedMsAgo?: number;
  /** How long ago its Ready condition changed (default: when it started). */
  readySinceMsAgo?: number;
  deleting?: boolean;
}

/** A running, ready pod of a scaled workload, started long ago, requesting 1 CPU unless told otherwise. */
export function pod(name: string, o: PodOptions = {}): Pod {
  const started = o.startedMsAgo ?? 600_000;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting && { deletionTimestamp: ago(0) }) },
    spec: {
      containers: [
        { name: 'c', image: 'busybox:latest', resources: { requests: { ...(o.cpu !== '' && { cpu: o.cpu ?? '1' }), ...(o.memory && { memory: o.memory }) } } },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 1,
    },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(started),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySinceMsAgo ?? started) }],
    },
  };
}

/** Pods named p0, p1, … with the same options. */
export const pods = (n: number, o: PodOptions = {}) => Array.from({ length: n }, (_, i) => pod(`p${i}`, o));

/** Samples by pod name (p0, p1, …), taken now over a 5 s window; CPU in millicores or memory in bytes. */
export function metrics(levels: number[], resource: 'cpu' | 'memory' = 'cpu', takenMsAgo = 0): Map<string, PodMetric> {
  return new Map(
    levels.map((v, i) => [`p${i}`, { cpu: resource === 'cpu' ? v : 0, memory: resource === 'memory' ? v : 0, timestamp: NOW - takenMsAgo, windowMs: 5000 }]),
  );
}

export function hpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}, status?: HorizontalPodAutoscaler['status']): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-hpa' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      ...spec,
    },
    ...(status && { status }),
  };
}
