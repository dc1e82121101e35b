import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ApiClient, isApiError } from '../common/client/api-client.js';
import { functionSourcePath, functionSourcePayloadSchema } from '../common/functions/function-source-api.js';
import { createLogger } from '../common/log/log.js';
import { collectProcessMetrics } from '../common/metrics/metrics-handler.js';
import { type RunningAgent, startAgent } from './agent.js';
import { type AgentConfig, loadAgentConfig } from './config/agent-config.js';
import { FunctionCode } from './functions/function-code.js';
import { nodeNet } from './host/node-net.js';
import type { ContainerSample } from './metrics/container-sample.js';
import { DockerStatsSource } from './metrics/docker-stats-source.js';
import { forgetNodeCredentials, nodeCredentials } from './node/node-credentials.js';
import { DockerExec } from './runtime/docker-exec.js';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { type AgentServer, startAgentServer } from './server/agent-server.js';

const log = createLogger('node-agent');

/** Runs `step` until it succeeds, retrying with back-off: nodes may well boot before the control plane answers. */
async function withBackOff<T>(what: string, signal: AbortSignal, step: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (isApiError(err) && err.status === 401) throw err;
      const retryInMs = Math.min(30_000, 1000 * 2 ** attempt);
      log.warn({ err: (err as Error).message, retryInMs }, `could not ${what}; retrying`);
      await delay(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return undefined;
}

/** Joins with the node's own token; one the API refuses (the cluster was reset) is dropped, so a restart joins anew. */
async function startWhenReachable(
  config: AgentConfig,
  api: ApiClient,
  docker: Docker,
  runtime: DockerRuntime,
  functionCode: FunctionCode,
  onStatsSamples: (samples: readonly ContainerSample[]) => void,
  signal: AbortSignal,
): Promise<RunningAgent | undefined> {
  try {
    return await withBackOff('start', signal, () =>
      startAgent({ config, api, runtime, log, nodeNet: nodeNet(), stats: new DockerStatsSource(docker, config.nodeName), functionCode, onStatsSamples }),
    );
  } catch (err) {
    await forgetNodeCredentials(config.stateDir);
    throw new Error(`the API refused this node's credentials (${(err as Error).message}); they were dropped: restart the agent to join again`, { cause: err });
  }
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
  const ca = config.caFile === undefined ? undefined : await readFile(config.caFile, 'utf8');
  // The bootstrap token is traded once; after that the stored credentials are used even while the control plane is away.
  const credentials = await withBackOff('join', stopping.signal, () =>
    nodeCredentials({ apiUrl: config.apiUrl, ca, nodeName: config.nodeName, bootstrapToken: config.joinToken, stateDir: config.stateDir }),
  );
  if (!credentials) return;
  const api = new ApiClient({ baseUrl: config.apiUrl, token: credentials.token, ...(ca !== undefined && { ca }) });
  const functionCode = new FunctionCode({
    root: join(config.stateDir, 'functions'),
    fetch: async (namespace, name) => functionSourcePayloadSchema.parse(await api.request('GET', functionSourcePath(namespace, name))),
    log,
  });
  const runtime = new DockerRuntime(docker, { nodeName: config.nodeName, stateDir: config.stateDir, functionCode });
  // Logs and exec are served from Docker alone, so they keep working while the control plane is away.
  let latestSamples: readonly ContainerSample[] = [];
  // Only the API server can call logs and exec: it alone presents this node's agent token.
  server = await startAgentServer({
    host: config.nodeIP,
    port: config.agentPort,
    tls: { cert: await readFile(config.tlsCertFile), key: await readFile(config.tlsPrivateKeyFile) },
    tokens: [credentials.agentToken],
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
