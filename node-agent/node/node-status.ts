import { formatCpuMillis, formatMemoryBytes, type Node } from '../../common/schema/index.js';
import type { NodeCapacity } from '../runtime/pod-runtime.js';

export type NodeStatus = NonNullable<Node['status']>;

export interface NodeStatusInput {
  nodeName: string;
  nodeIP: string;
  agentPort: number;
  capacity: NodeCapacity;
  /** The status last written, whose Ready transition time is kept while Ready stays True. */
  previous: NodeStatus | undefined;
  now: number;
}

/** What the agent reports about its node: addresses, capacity, its port, and Ready with a fresh heartbeat. */
export function nodeStatus(input: NodeStatusInput): NodeStatus {
  const now = new Date(input.now).toISOString();
  const resources = { cpu: formatCpuMillis(input.capacity.cpuMillis), memory: formatMemoryBytes(input.capacity.memoryBytes), pods: '110' };
  const wasReady = input.previous?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return {
    addresses: [
      { type: 'InternalIP', address: input.nodeIP },
      { type: 'Hostname', address: input.nodeName },
    ],
    capacity: resources,
    allocatable: resources,
    daemonEndpoints: { agentPort: input.agentPort },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'AgentReady',
        message: 'node agent is posting ready status',
        lastTransitionTime: wasReady?.lastTransitionTime ?? now,
        lastHeartbeatTime: now,
      },
    ],
  };
}
