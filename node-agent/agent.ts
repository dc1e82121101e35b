import type { ApiClient } from '../reconciler/client/api-client.js';
import { createLogger, type Logger } from '../reconciler/util/log.js';
import type { AgentConfig } from './config/agent-config.js';
import { NodeRegistration } from './node/node-registration.js';
import { PodController } from './pods/pod-controller.js';
import type { PodRuntime } from './runtime/pod-runtime.js';

export interface AgentDeps {
  config: AgentConfig;
  api: ApiClient;
  runtime: PodRuntime;
  log?: Logger;
  /** How long to wait for the control plane to allocate the node's pod subnet. */
  podCIDRTimeoutMs?: number;
}

export interface RunningAgent {
  podCIDR: string;
  pods: PodController;
  /** Stops heartbeats and reconciling; containers keep running for the next agent to adopt. */
  stop(): Promise<void>;
}

/** Joins the cluster, builds the pod network, then runs the pods bound to this node. */
export async function startAgent(deps: AgentDeps): Promise<RunningAgent> {
  const { config, api, runtime } = deps;
  const log = deps.log ?? createLogger('node-agent', { node: config.nodeName });
  const registration = new NodeRegistration({
    api,
    nodeName: config.nodeName,
    labels: config.labels,
    nodeIP: config.nodeIP,
    agentPort: config.agentPort,
    capacity: await runtime.capacity(),
    heartbeatMs: config.heartbeatSeconds * 1000,
    log,
  });
  const node = await registration.register();
  registration.startHeartbeat();
  try {
    const podCIDR = await registration.podCIDR(node, config.podCIDR, deps.podCIDRTimeoutMs ?? 10_000);
    await runtime.ensureNetwork(podCIDR);
    const pods = new PodController({
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      api,
      runtime,
      backOff: { baseMs: config.backOff.baseSeconds * 1000, maxMs: config.backOff.maxSeconds * 1000 },
      log,
    });
    await pods.start();
    log.info({ podCIDR }, 'node agent running');
    return {
      podCIDR,
      pods,
      async stop() {
        registration.stop();
        await pods.stop();
      },
    };
  } catch (err) {
    registration.stop();
    throw err;
  }
}
