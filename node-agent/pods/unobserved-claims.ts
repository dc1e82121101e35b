import type { PodStatus } from '../../common/schema/index.js';

const isReady = (s: PodStatus) => s.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

/**
 * True when the stored status claims what the agent does not see in Docker now (`observed` is the status
 * it would write from what Docker shows): a pod IP that is gone or changed, or readiness of the pod or of
 * a container. Such a claim is corrected at once, before the agent sets about recreating containers
 * (which can take a while), so nobody routes to an address that is not there.
 */
export function claimsUnobserved(stored: PodStatus | undefined, observed: PodStatus): boolean {
  if (!stored) return false;
  if (stored.podIP !== undefined && stored.podIP !== observed.podIP) return true;
  if (isReady(stored) && !isReady(observed)) return true;
  return (stored.containerStatuses ?? []).some((c) => c.ready && !observed.containerStatuses?.find((o) => o.name === c.name)?.ready);
}
