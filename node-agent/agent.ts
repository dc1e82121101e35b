import type { ApiClient } from '../common/client/api-client.js';
import { Informer } from '../common/client/informer.js';
import { RUNTIME_IMAGE } from '../common/functions/function-labels.js';
import { createLogger, type Logger } from '../common/log/log.js';
import type { AgentConfig } from './config/agent-config.js';
import { type RunningClusterDns, startClusterDns } from './dns/cluster-dns.js';
import type { FunctionCode } from './functions/function-code.js';
import { startFunctionCodeWatcher } from './functions/function-code-watcher.js';
import type { NodeNet } from './host/node-net.js';
import type { ContainerSample, StatsSource } from './metrics/container-sample.js';
import { startMetricsReporter } from './metrics/metrics-reporter.js';
import { PodNetworkController } from './network/pod-network-controller.js';
import { NodeRegistration } from './node/node-registration.js';
import { waitForPodSubnet } from './node/pod-subnet.js';
import { PodController } from './pods/pod-controller.js';
import type { PodRuntime } from './runtime/pod-runtime.js';
import { prePullImages } from './runtime/pre-pull.js';
import { startServiceProxy } from './services/service-proxy.js';

export interface AgentDeps {
  config: AgentConfig;
  api: ApiClient;
  runtime: PodRuntime;
  log?: Logger;
  /**
   * The node's network namespace, for node-wide state: routes to other nodes, iptables rules, the
   * DNS server. Left out where several agents share one namespace (in-process tests): they leave it alone.
   */
  nodeNet?: NodeNet;
  /** Where pod CPU and memory usage is read; given, the agent reports it (NodeMetrics) every `metricsIntervalMs` (5 s). */
  stats?: StatsSource;
  metricsIntervalMs?: number;
  /** The node's function code; given, the agent keeps it at each function's current revision. */
  functionCode?: FunctionCode;
  /** Handed each round of `stats` samples (for the agent server's /metrics/cadvisor). */
  onStatsSamples?: (samples: readonly ContainerSample[]) => void;
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
  let dns: RunningClusterDns | undefined;
  try {
    const podCIDR =
      node.spec.podCIDR ?? (await waitForPodSubnet({ api, nodeName: config.nodeName, ...(config.podCIDR && { configured: config.podCIDR }), log }));
    const gateway = await runtime.ensureNetwork(podCIDR);
    // Before any pod starts: every pod's resolv.conf names it.
    if (deps.nodeNet) {
      dns = await startClusterDns({ api, address: gateway, log });
      runtime.useClusterDNS(gateway);
    }
    const pods = new PodController({
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      api,
      runtime,
      backOff: { baseMs: config.backOff.baseSeconds * 1000, maxMs: config.backOff.maxSeconds * 1000 },
      log,
    });
    await pods.start();
    const network = deps.nodeNet && (await startNodeNetwork(deps.nodeNet, config, podCIDR, api, log));
    const services = deps.nodeNet && (await startServiceProxy({ net: deps.nodeNet, api, serviceCIDR: config.serviceCIDR, nodeIP: config.nodeIP, log }));
    const code = deps.functionCode && (await startFunctionCodeWatcher(api, deps.functionCode, log));
    // A node that runs functions has their runtime image before its first cold start needs it.
    if (deps.functionCode) void prePullImages(runtime, [RUNTIME_IMAGE], log);
    const metrics =
      deps.stats &&
      startMetricsReporter({
        api,
        nodeName: config.nodeName,
        source: deps.stats,
        log,
        ...(deps.metricsIntervalMs && { intervalMs: deps.metricsIntervalMs }),
        ...(deps.onStatsSamples && { onSamples: deps.onStatsSamples }),
      });
    log.info({ podCIDR }, 'node agent running');
    return {
      podCIDR,
      pods,
      async stop() {
        registration.stop();
        code?.stop();
        await Promise.all([pods.stop(), network?.stop(), services?.stop(), dns?.stop(), metrics?.stop()]);
      },
    };
  } catch (err) {
    registration.stop();
    await dns?.stop();
    throw err;
  }
}

/** Routes to the other nodes' pod subnets and the forwarding rules; stopping leaves them in place. */
async function startNodeNetwork(net: NodeNet, config: AgentConfig, podCIDR: string, api: ApiClient, log: Logger) {
  const nodes = new Informer(api, 'Node', { log });
  const routes = new PodNetworkController({ nodeName: config.nodeName, podCIDR, clusterCIDR: config.clusterCIDR, nodes, net, log });
  // The node list first: reconciling routes against an empty cache would remove the ones in place.
  await nodes.start();
  await routes.start();
  return {
    async stop() {
      nodes.stop();
      await routes.stop();
    },
  };
}
