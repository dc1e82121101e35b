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

/** The agent's version, reported where Kubernetes reports the kubelet's. */
export const AGENT_VERSION = 'v1.37.0-minik8s';

function nodeInfo(system: NodeCapacity['system']): NonNullable<NodeStatus['nodeInfo']> {
  const s = system ?? { kernelVersion: '', osImage: '', architecture: '', containerRuntimeVersion: '', machineID: '' };
  return { ...s, systemUUID: s.machineID, bootID: '', kubeletVersion: AGENT_VERSION, kubeProxyVersion: AGENT_VERSION, operatingSystem: 'linux' };
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
    nodeInfo: nodeInfo(input.capacity.system),
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
