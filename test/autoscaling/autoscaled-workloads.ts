import { stringify as toYaml } from 'yaml';

/** While this file exists in a burner's container, its loop spins; without it, it sleeps a second at a time. */
export const LOAD_FILE = '/tmp/load';

function deployment(name: string, container: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:latest', ...container }] },
      },
    },
  };
}

function hpa(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, ...spec },
  };
}

export interface BurnerOptions {
  maxReplicas: number;
  /** Pods added at most per period. */
  scaleUp: { pods: number; periodSeconds: number };
  scaleDownWindowSeconds: number;
}

/**
 * A Deployment whose pods burn CPU while LOAD_FILE exists (held to 200m each by a limit, so three fit on a
 * small machine), a Service in front, and an HPA aiming at 50 % of its 100m request.
 */
export function cpuBurnerYaml(name: string, o: BurnerOptions): string {
  const burner = deployment(name, {
    command: ['sh', '-c', `while :; do if [ -e ${LOAD_FILE} ]; then :; else sleep 1; fi; done`],
    resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } },
  });
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } };
  const autoscaler = hpa(name, {
    maxReplicas: o.maxReplicas,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    behavior: {
      scaleUp: { policies: [{ type: 'Pods', value: o.scaleUp.pods, periodSeconds: o.scaleUp.periodSeconds }] },
      scaleDown: { stabilizationWindowSeconds: o.scaleDownWindowSeconds },
    },
  });
  return [burner, service, autoscaler].map((d) => toYaml(d)).join('---\n');
}

/** A Deployment whose pods each hold `megabytes` in /dev/shm (a tmpfs: working set), and an HPA aiming at `targetMi` per pod. */
export function memoryHogYaml(name: string, o: { megabytes: number; targetMi: number; maxReplicas: number }): string {
  const hog = deployment(name, { command: ['sh', '-c', `dd if=/dev/zero of=/dev/shm/fill bs=1M count=${o.megabytes} && exec sleep 3600`] });
  const autoscaler = hpa(name, {
    maxReplicas: o.maxReplicas,
    metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: `${o.targetMi}Mi` } } }],
  });
  return [hog, autoscaler].map((d) => toYaml(d)).join('---\n');
}
