import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ApiClient } from '../reconciler/client/api-client.js';
import { createLogger } from '../reconciler/util/log.js';
import { startAgent } from './agent.js';
import { loadAgentConfig } from './config/agent-config.js';
import { DockerRuntime } from './runtime/docker-runtime.js';

const log = createLogger('node-agent');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  if (!values.config) throw new Error('usage: node dist/node-agent/main.js --config FILE');
  const config = await loadAgentConfig(values.config);
  const runtime = new DockerRuntime(new Docker({ socketPath: config.dockerSocket }), { nodeName: config.nodeName, stateDir: config.stateDir });
  const api = new ApiClient({ baseUrl: config.apiUrl, token: config.joinToken });
  const agent = await startAgent({ config, api, runtime, log });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping; containers keep running');
      agent.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((err: Error) => {
  log.fatal({ err: err.message }, 'node agent failed to start');
  process.exitCode = 1;
});
