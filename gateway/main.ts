import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiClient } from '../common/client/api-client.js';
import { readKafkaClients } from '../common/functions/kafka-clients.js';
import { createLogger } from '../common/log/log.js';
import { type RunningGateway, startGateway } from './gateway.js';
import { GATEWAY_METRICS_PORT } from './metrics-server.js';

const log = createLogger('gateway');
const USAGE =
  'usage: node dist/gateway/main.js --api-url URL --ca-file CA_PEM --token-file TOKEN_FILE --address NODE_IP [--port 80] ' +
  '[--kafka KAFKA_CLIENTS_JSON] [--metrics-token-file SCRAPE_TOKEN_FILE [--metrics-port 10254]]';

/**
 * The gateway process. It holds only its own scoped token ($MINIK8S_HOME/credentials/gateway.token,
 * written by the control plane), whose role (reconciler/auth/component-roles.ts) says what it may do.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'api-url': { type: 'string' },
      'ca-file': { type: 'string' },
      'token-file': { type: 'string' },
      address: { type: 'string' },
      port: { type: 'string', default: '80' },
      kafka: { type: 'string' },
      'metrics-token-file': { type: 'string' },
      'metrics-port': { type: 'string', default: String(GATEWAY_METRICS_PORT) },
    },
  });
  if (!values['api-url'] || !values['ca-file'] || !values['token-file'] || !values.address) throw new Error(USAGE);
  const port = portOption('--port', values.port);
  const metricsPort = portOption('--metrics-port', values['metrics-port']);
  const [ca, token] = await Promise.all([readFile(values['ca-file'], 'utf8'), readFile(values['token-file'], 'utf8')]);
  const api = new ApiClient({ baseUrl: values['api-url'], token: token.trim(), ca });
  const kafka = values.kafka ? readKafkaClients(values.kafka) : undefined;
  const metricsToken = values['metrics-token-file'] && (await readFile(values['metrics-token-file'], 'utf8')).trim();
  const gateway: RunningGateway = await startGateway({
    api,
    address: values.address,
    port,
    log,
    ...(kafka && { kafka }),
    ...(metricsToken && { metrics: { port: metricsPort, token: metricsToken } }),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping');
      gateway.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

function portOption(name: string, value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}: not a port number: ${value}`);
  return port;
}

main().catch((err: Error) => {
  log.fatal({ err: err.message }, 'gateway failed to start');
  process.exitCode = 1;
});
