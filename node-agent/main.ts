import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ApiClient } from '../common/client/api-client.js';
import { createLogger } from '../common/log/log.js';
import { type RunningAgent, startAgent } from './agent.js';
import { type AgentConfig, loadAgentConfig } from './config/agent-config.js';
import { nodeNet } from './host/node-net.js';
import { functionSourcePath, functionSourcePayloadSchema } from '../common/functions/function-source-api.js';
import { FunctionCode } from './functions/function-code.js';
import { collectProcessMetrics } from '../common/metrics/metrics-handler.js';
import type { ContainerSample } from './metrics/container-sample.js';
import { DockerStatsSource } from './metrics/docker-stats-source.js';
import { DockerExec } from './runtime/docker-exec.js';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { type AgentServer, startAgentServer } from './server/agent-server.js';

const log = createLogger('node-agent');

/** Joins the cluster, retrying with back-off: nodes may well boot before the control plane answers. */
async function startWhenReachable(
  config: AgentConfig,
  api: ApiClient,
  docker: Docker,
  runtime: DockerRuntime,
  functionCode: FunctionCode,
  onStatsSamples: (samples: readonly ContainerSample[]) => void,
  signal: AbortSignal,
): Promise<RunningAgent | undefined> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      return await startAgent({ config, api, runtime, log, nodeNet: nodeNet(), stats: new DockerStatsSource(docker, config.nodeName), functionCode, onStatsSamples });
    } catch (err) {
      const retryInMs = Math.min(30_000, 1000 * 2 ** attempt);
      log.warn({ err: (err as Error).message, retryInMs }, 'could not start; retrying');
      await delay(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  if (!values.config) throw new Error('usage: node dist/node-agent/main.js --config FILE');
  const config = await loadAgentConfig(values.config);
  const stopping = new AbortController();
  let agent: RunningAgent | undefined;
  let server: AgentServer | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping; containers keep running');
      stopping.abort();
      Promise.all([agent?.stop(), server?.stop()]).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  const docker = new Docker({ socketPath: config.dockerSocket });
  const api = new ApiClient({ baseUrl: config.apiUrl, token: config.joinToken });
  const functionCode = new FunctionCode({
    root: join(config.stateDir, 'functions'),
    fetch: async (namespace, name) => functionSourcePayloadSchema.parse(await api.request('GET', functionSourcePath(namespace, name))),
    log,
  });
  const runtime = new DockerRuntime(docker, { nodeName: config.nodeName, stateDir: config.stateDir, functionCode });
  // Logs and exec are served from Docker alone, so they keep working while the control plane is away.
  let latestSamples: readonly ContainerSample[] = [];
  server = await startAgentServer({
    host: config.nodeIP,
    port: config.agentPort,
    tokens: [config.joinToken],
    runtime,
    exec: new DockerExec(docker),
    log,
    metrics: { tokens: config.metricsToken ? [config.metricsToken] : [], latestSamples: () => latestSamples, nodeExporterUrl: config.nodeExporterUrl },
  });
  collectProcessMetrics();
  agent = await startWhenReachable(config, api, docker, runtime, functionCode, (samples) => (latestSamples = samples), stopping.signal);
  if (stopping.signal.aborted) await Promise.all([agent?.stop(), server.stop()]);
}

main().catch((err: Error) => {
  log.fatal({ err: err.message }, 'node agent failed to start');
  process.exitCode = 1;
});
