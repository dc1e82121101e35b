import type { Pod } from '../../common/schema/index.js';

/** Labels on every container the agent creates: enough to rebuild its view of a pod after a restart. */
export const LABELS = {
  node: 'minik8s.io/node',
  podUid: 'minik8s.io/pod-uid',
  podNamespace: 'minik8s.io/pod-namespace',
  podName: 'minik8s.io/pod-name',
  container: 'minik8s.io/container',
  restartCount: 'minik8s.io/restart-count',
  graceSeconds: 'minik8s.io/termination-grace-seconds',
} as const;

/** The container name label of a pod's pause container (upper case, so no app container can take it). */
export const SANDBOX = 'POD';

/** The labels of one container (`container` is the spec's name, or SANDBOX) of a pod on a node. */
export function podContainerLabels(nodeName: string, pod: Pod, container: string, restartCount: number): Record<string, string> {
  return {
    [LABELS.node]: nodeName,
    [LABELS.podUid]: pod.metadata.uid ?? '',
    [LABELS.podNamespace]: pod.metadata.namespace ?? 'default',
    [LABELS.podName]: pod.metadata.name,
    [LABELS.container]: container,
    [LABELS.restartCount]: String(restartCount),
    [LABELS.graceSeconds]: String(pod.spec.terminationGracePeriodSeconds),
  };
}

/** Docker's container name: unique per pod instance and attempt, readable in `docker ps`. */
export function podContainerName(pod: Pod, container: string, restartCount: number): string {
  return `mk8s_${container}_${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}_${pod.metadata.uid ?? ''}_${restartCount}`;
}
