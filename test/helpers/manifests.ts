import { stringify as toYaml } from 'yaml';
import type { z } from 'zod';
import type { Service } from '../../common/schema/index.js';
import type { containerSchema } from '../../common/schema/pod.js';

/** A container as a manifest writes it: defaults (probe periods, thresholds, protocol) may be left out. */
type Container = z.input<typeof containerSchema>;

/** busybox httpd on port 8080 answering every request with the pod's hostname (its name). */
export const hostnameHttpd: Container = {
  name: 'httpd',
  image: 'busybox:latest',
  command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
};

export const sleeper: Container = { name: 'main', image: 'busybox:latest', command: ['sleep', '3600'] };

/** A Deployment or ReplicaSet of `replicas` pods labelled `app: NAME`, running `container`. */
export function workloadYaml(kind: 'Deployment' | 'ReplicaSet', name: string, replicas: number, container: Container = sleeper): string {
  return toYaml({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [container] } },
    },
  });
}

/** A Service selecting `app: NAME`. */
export function serviceYaml(name: string, spec: Partial<Service['spec']>): string {
  return toYaml({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ...spec } });
}
