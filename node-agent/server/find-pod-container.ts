import { HttpError } from '../../common/http/http-error.js';
import type { ObservedContainer, ObservedPod } from '../runtime/pod-runtime.js';

export interface PodContainerRef {
  namespace: string;
  pod: string;
  container: string;
  /** The attempt before the newest one (kubectl's `--previous`). */
  previous?: boolean;
}

/** Newest first: a pod recreated under the same name leaves its old sandbox behind for a moment. */
function newestPod(pods: readonly ObservedPod[]): ObservedPod | undefined {
  const rank = (p: ObservedPod) => `${p.sandbox?.running ? 1 : 0}${p.sandbox?.createdAt ?? ''}`;
  return [...pods].sort((a, b) => rank(b).localeCompare(rank(a)))[0];
}

/** The address of a pod this node runs (its newest sandbox's), where port-forward dials. */
export function findPodIP(pods: readonly ObservedPod[], namespace: string, name: string): string {
  const pod = newestPod(pods.filter((p) => p.namespace === namespace && p.name === name));
  if (!pod) throw new HttpError(404, 'NotFound', `pod "${name}" in namespace "${namespace}" is not running on this node`);
  if (!pod.sandbox?.running || !pod.sandbox.ip) throw new HttpError(400, 'BadRequest', `pod "${name}" has no running network sandbox with an address`);
  return pod.sandbox.ip;
}

/**
 * The Docker container behind a pod's container, from what this node runs: its newest attempt, or
 * with `previous` the one before (the pod controller keeps exactly one earlier attempt per container).
 */
export function findPodContainer(pods: readonly ObservedPod[], ref: PodContainerRef): ObservedContainer {
  const pod = newestPod(pods.filter((p) => p.namespace === ref.namespace && p.name === ref.pod));
  if (!pod) throw new HttpError(404, 'NotFound', `pod "${ref.pod}" in namespace "${ref.namespace}" is not running on this node`);
  const attempts = pod.containers.filter((c) => c.name === ref.container).sort((a, b) => b.restartCount - a.restartCount);
  if (attempts.length === 0) throw new HttpError(404, 'NotFound', `container "${ref.container}" in pod "${ref.pod}" has not been created on this node`);
  const found = attempts[ref.previous ? 1 : 0];
  if (!found) throw new HttpError(400, 'BadRequest', `previous terminated container "${ref.container}" in pod "${ref.pod}" not found`);
  return found;
}
