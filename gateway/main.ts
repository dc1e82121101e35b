import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ApiClient } from '../common/client/api-client.js';
import { createLogger } from '../common/log/log.js';
import { type RunningGateway, startGateway } from './gateway.js';
import { readKafkaClients } from '../common/functions/kafka-clients.js';

const log = createLogger('gateway');
const USAGE = 'usage: node dist/gateway/main.js --config CLUSTER_JSON --address NODE_IP [--port 80] [--api-url URL] [--kafka KAFKA_CLIENTS_JSON]';

/** The part of cluster.json the gateway reads: the API and the cluster's token. */
const clusterFileSchema = z.object({ apiUrl: z.url(), token: z.string().min(1) });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, address: { type: 'string' }, port: { type: 'string', default: '80' }, 'api-url': { type: 'string' }, kafka: { type: 'string' } } });
  if (!values.config || !values.address) throw new Error(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  const cluster = clusterFileSchema.parse(JSON.parse(await readFile(values.config, 'utf8')));
  // cluster.json's apiUrl is how the host reaches the API; inside a node's namespace it is another address.
  const api = new ApiClient({ baseUrl: values['api-url'] ?? cluster.apiUrl, token: cluster.token });
  const kafka = values.kafka ? readKafkaClients(values.kafka) : undefined;
  const gateway: RunningGateway = await startGateway({ api, address: values.address, port, log, ...(kafka && { kafka }) });
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

main().catch((err: Error) => {
  log.fatal({ err: err.message }, 'gateway failed to start');
  process.exitCode = 1;
});
