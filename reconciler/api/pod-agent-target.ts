import { HttpError } from '../../common/http/http-error.js';
import type { Node, Pod } from '../../common/schema/index.js';

/** Where the API server finds a pod's container: the node agent's address and the container's name. */
export interface PodAgentTarget {
  nodeName: string;
  host: string;
  port: number;
  container: string;
}

const bad = (message: string) => new HttpError(400, 'BadRequest', message);

/**
 * Resolves `mkctl logs/exec POD [-c CONTAINER]` to a node agent, kubectl's way: the only container
 * when there is one, otherwise the name must be given; the pod must be bound to a node that has
 * reported its InternalIP and agent port.
 */
export function podAgentTarget(pod: Pod, node: Node | undefined, container?: string): PodAgentTarget {
  const name = pod.metadata.name;
  const names = pod.spec.containers.map((c) => c.name);
  if (container && !names.includes(container)) throw bad(`container ${container} is not valid for pod ${name}`);
  const chosen = container || (names.length === 1 ? names[0] : undefined);
  if (!chosen) throw bad(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  const nodeName = pod.spec.nodeName;
  if (!nodeName) throw bad(`pod ${name} is not scheduled to a node yet`);
  if (!node) throw bad(`pod ${name} is bound to node ${nodeName}, which does not exist`);
  const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.agentPort;
  if (!host || !port) throw bad(`node ${nodeName} has not reported its address and agent port; is its node agent running?`);
  return { nodeName, host, port, container: chosen };
}
