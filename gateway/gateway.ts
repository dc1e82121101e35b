import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ApiClient } from '../common/client/api-client.js';
import { Informer } from '../common/client/informer.js';
import type { KafkaClients } from '../common/functions/kafka-clients.js';
import type { Logger } from '../common/log/log.js';
import { refKey } from '../common/schema/index.js';
import { startFunctionGateway } from './functions/function-gateway.js';
import { publishGatewayEndpoints, withdrawGatewayEndpoints } from './gateway-endpoints.js';
import { createGatewayServer } from './gateway-server.js';
import { startMetricsServer } from './metrics-server.js';
import { ExecutionWaiter } from './workflows/execution-waiter.js';

export interface GatewayDeps {
  api: ApiClient;
  /** The node address to listen on, which is also what the gateway's Endpoints say. */
  address: string;
  port: number;
  log: Logger;
  /** The Kafka clients file: given, asynchronous calls and kafka triggers are served. */
  kafka?: KafkaClients;
  /** Prometheus' scrape token: given, `/metrics` is served on `address:port` and announced on the Endpoints. */
  metrics?: { port: number; token: string };
}

export interface RunningGateway {
  port: number;
  /** Withdraws the Endpoints (best effort: the control plane may be gone) and stops serving. */
  stop(): Promise<void>;
}

/**
 * Host/path forwarding for DNS-kind objects, and the function and workflow endpoints: caches DNS,
 * Service, Workflow and Execution objects, serves HTTP, publishes its Endpoints.
 */
export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { api, address, log } = deps;
  const dns = new Informer(api, 'DNS', { log });
  const services = new Informer(api, 'Service', { log });
  const workflows = new Informer(api, 'Workflow', { log });
  const executions = new Informer(api, 'Execution', { log });
  const waiter = new ExecutionWaiter(executions);
  await Promise.all([dns.start(), services.start(), workflows.start(), executions.start()]);
  const functions = await startFunctionGateway({ api, log, workflows, ...(deps.kafka && { kafka: deps.kafka }) });
  const server = createGatewayServer({
    names: () => ({ dns: dns.list(), services: services.list() }),
    log,
    functions: functions.http,
    workflows: { api, waiter, exists: (namespace, name) => workflows.get(refKey({ kind: 'Workflow', namespace, name })) !== undefined },
  });
  // Awaited, so a stopped gateway has left its consumer groups (a restart's members find them free).
  const stopInformers = async () => {
    dns.stop();
    services.stop();
    workflows.stop();
    executions.stop();
    await functions.stop();
  };
  let metrics: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    server.listen(deps.port, address);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    metrics = deps.metrics && (await startMetricsServer({ address, ...deps.metrics, log }));
    await publishGatewayEndpoints(api, address, port, metrics?.port);
    log.info({ address, port, metricsPort: metrics?.port }, 'gateway listening');
    return {
      port,
      async stop() {
        await withdrawGatewayEndpoints(api).catch((err: Error) => log.warn({ err: err.message }, 'gateway: could not withdraw its endpoints'));
        await stopInformers();
        metrics?.server.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  } catch (err) {
    await stopInformers();
    metrics?.server.close();
    server.close();
    throw err;
  }
}
