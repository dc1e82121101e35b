import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { Informer } from '../common/client/informer.js';
import { type ClusterConfig, DEFAULT_PROMETHEUS_URL, readClusterCa } from '../common/config/cluster-config.js';
import { invokeTokenSha256 } from '../common/functions/function-token.js';
import { type KafkaClients, kafkaClientConfig } from '../common/functions/kafka-clients.js';
import { triggerTargets } from '../common/functions/trigger-events.js';
import { HttpError } from '../common/http/http-error.js';
import { createLogger } from '../common/log/log.js';
import { collectProcessMetrics } from '../common/metrics/metrics-handler.js';
import { triggerFirer } from '../common/workflows/trigger-firing.js';
import { podSecurityPolicy } from './admission/pod-security.js';
import { createApiApp } from './api/api-server.js';
import { evictionRouter } from './api/eviction-router.js';
import { createPodProxyRouter, routeUpgrades } from './api/pod-proxy-router.js';
import { createPortForwardRouter } from './api/port-forward-router.js';
import { consoleRouter } from './console/console-router.js';
import { DeploymentController } from './controllers/deployment-controller.js';
import { EndpointsController } from './controllers/endpoints-controller.js';
import { HpaController } from './controllers/hpa-controller.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { defaultNodeHealthOptions, type NodeHealthOptions } from './controllers/node-health.js';
import { NodeLifecycleController } from './controllers/node-lifecycle-controller.js';
import { ReplicaSetController } from './controllers/replicaset-controller.js';
import { SchedulerController } from './controllers/scheduler-controller.js';
import { ServiceIPController } from './controllers/service-ip-controller.js';
import { FunctionActivity, functionActivityRouter } from './functions/function-activity.js';
import { FunctionController } from './functions/function-controller.js';
import { FunctionKafka } from './functions/function-kafka.js';
import { FunctionLagMonitor } from './functions/function-lag.js';
import { functionSourceRouter } from './functions/function-source-router.js';
import { functionInvokeToken, functionTokenRouter } from './functions/function-token-router.js';
import { fireGitTriggers } from './functions/git-triggers.js';
import { ScheduleTriggers } from './functions/schedule-triggers.js';
import { observabilityRouter } from './observability/observability-router.js';
import { prometheusProxy } from './observability/prometheus-proxy.js';
import { defaultServiceNetwork } from './services/service-addresses.js';
import { EtcdKV } from './store/etcd-kv.js';
import { InstrumentedKV } from './store/instrumented-kv.js';
import type { KV } from './store/kv.js';
import { ObjectStore } from './store/object-store.js';
import { storeListWatch } from './store/store-list-watch.js';
import { whenNodesReady } from './sync/first-sync-gate.js';
import { startGitSync } from './sync/start-git-sync.js';
import { ensureBuiltInNamespaces } from './system/built-in-namespaces.js';
import { ensureGatewayService } from './system/gateway-service.js';
import { ExecutionRetention } from './workflows/execution-retention.js';
import { KafkaStepTransport, type WorkflowReplies } from './workflows/kafka-step-transport.js';
import { WorkflowExecutor } from './workflows/workflow-executor.js';

/** How long a fresh cluster's first sync waits for its nodes at most. */
const FIRST_SYNC_WAIT_MS = 120_000;

import { clusterAuthenticator } from './auth/authenticate.js';
import { bootstrapRouter } from './auth/bootstrap-router.js';
import { writeComponentTokens } from './auth/component-token-files.js';
import { scopedToken } from './auth/scoped-tokens.js';

export interface ControlPlaneOptions {
  config: ClusterConfig;
  /** MINIK8S_HOME: where the hosted repository lives. */
  home: string;
  /** Seeds the hosted repository on first start. */
  repoSeedDir?: string;
  nodeHealth?: Partial<NodeHealthOptions>;
  /** The Kafka broker's clients file: given, functions get topics, asynchronous calls and event triggers. */
  kafka?: KafkaClients;
  /** The workflow executor's reply topic and group; tests that share one broker give each control plane its own. */
  workflowReplies?: WorkflowReplies;
  /** Where the state lives: etcd at the config's endpoints unless another KV (the in-memory one, in tests) is given. */
  kv?: KV;
}

export interface ControlPlane {
  /** The URL the server listens on (with the real port when the config asked for port 0). */
  url: string;
  store: ObjectStore;
  stop(): Promise<void>;
}

/**
 * The reconciler process: one HTTP server with Git smart HTTP, the REST API and minik8s' own endpoints,
 * the Git → etcd sync, and the controllers. All state is in etcd; nothing here survives a restart but caches.
 */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const { config } = opts;
  const log = createLogger('control-plane');
  const kv = new InstrumentedKV(opts.kv ?? new EtcdKV(config.etcdEndpoints, config.etcdPrefix, config.etcdTls));
  collectProcessMetrics();
  const store = new ObjectStore(kv);

  // HTTPS only, with the certificate the cluster CA signed at first start (scripts/lib/pki.sh).
  // Listen first: the pre-receive hook is told the real address, which port 0 only gives after listening.
  const server = createServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) });
  // Until the API is wired up (the repository and its hooks first), a request gets a 503 that clients
  // retry on, never a connection that nothing answers.
  const starting = new HttpError(503, 'ServiceUnavailable', 'the control plane is starting', { details: { retryAfterSeconds: 1 } }).toStatus();
  const whileStarting = (_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify(starting));
  server.on('request', whileStarting);
  server.listen(config.listen.port, config.listen.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;

  const source = storeListWatch(store);
  const nodes = new Informer(source, 'Node', { log: createLogger('informer', { kind: 'Node' }) });
  // Told of each applied revision once the controllers exist; a revision applied before then is read at their start.
  let onApplied: (revision: string, previous: string | undefined) => void = () => undefined;
  // One Pod Security policy for pushes and the API alike.
  const podSecurity = podSecurityPolicy(config.podSecurity);
  const git = await startGitSync({
    onApplied: (revision, previous) => onApplied(revision, previous),
    store,
    kv,
    home: opts.home,
    ...(opts.repoSeedDir && { repoSeedDir: opts.repoSeedDir }),
    token: config.token,
    gitUrl: config.gitUrl,
    apiUrlForHooks: url,
    caFile: config.caFile,
    ...(config.remote && { remote: config.remote }),
    ...(config.firstSyncNodes && { beforeFirstSync: () => whenNodesReady(nodes, config.firstSyncNodes ?? 0, FIRST_SYNC_WAIT_MS, log) }),
    allowForcePush: config.allowForcePush ?? false,
    podSecurity,
  });
  await writeComponentTokens(opts.home, config.tokenKey);
  const activity = new FunctionActivity();
  const pods = new Informer(source, 'Pod', { log: createLogger('informer', { kind: 'Pod' }) });
  const endpoints = new Informer(source, 'Endpoints', { log: createLogger('informer', { kind: 'Endpoints' }) });
  const webConsole = consoleRouter({ tokens: [config.token] });
  // Logs, exec, attach and port-forward go to the pod's agent, each agent taking only its own token.
  const podProxy = { store, agentToken: (node: string) => scopedToken(config.tokenKey, 'agent', node), agentCa: readClusterCa(config) };
  const app = createApiApp(
    {
      store,
      authenticator: clusterAuthenticator({ adminToken: config.token, bootstrapToken: config.joinToken, tokenKey: config.tokenKey }),
      log: createLogger('api'),
      podSecurity,
    },
    {
      unauthenticated: [
        webConsole.session,
        webConsole.router,
        Router().use('/git', git.gitRouter),
        // Its own credential check: the scrape token is good here and nowhere else.
        observabilityRouter({ tokens: [config.token, ...(config.metricsToken ? [config.metricsToken] : [])], pods, nodes, endpoints }),
      ],
      authenticated: [
        git.syncRouter,
        evictionRouter(store),
        bootstrapRouter(config.tokenKey),
        createPodProxyRouter(podProxy),
        createPortForwardRouter(podProxy),
        functionSourceRouter(store, () => git.gitdir),
        functionTokenRouter(store, config.tokenKey),
        functionActivityRouter(activity),
        prometheusProxy(config.prometheusUrl ?? DEFAULT_PROMETHEUS_URL),
      ],
    },
  );
  server.off('request', whileStarting).on('request', app);
  routeUpgrades(server, app);

  const services = new Informer(source, 'Service', { log: createLogger('informer', { kind: 'Service' }) });
  const replicaSets = new Informer(source, 'ReplicaSet', { log: createLogger('informer', { kind: 'ReplicaSet' }) });
  const deployments = new Informer(source, 'Deployment', { log: createLogger('informer', { kind: 'Deployment' }) });
  const hpas = new Informer(source, 'HorizontalPodAutoscaler', { log: createLogger('informer', { kind: 'HorizontalPodAutoscaler' }) });
  const nodeMetrics = new Informer(source, 'NodeMetrics', { log: createLogger('informer', { kind: 'NodeMetrics' }) });
  const functions = new Informer(source, 'Function', { log: createLogger('informer', { kind: 'Function' }) });
  const functionKafka = opts.kafka && new FunctionKafka(opts.kafka);
  const lag = functionKafka && new FunctionLagMonitor({ functions, source: functionKafka, log: createLogger('function-lag') });
  const functionController = new FunctionController({
    store,
    functions,
    replicaSets,
    pods,
    activity,
    git: { gitdir: git.gitdir, appliedRevision: git.appliedRevision },
    ...(functionKafka && { topics: functionKafka }),
    ...(lag && { backlog: lag }),
    invokeTokenSha256: (namespace, name) => invokeTokenSha256(functionInvokeToken(config.tokenKey, namespace, name)),
    log: createLogger('function-controller'),
  });
  const workflows = new Informer(source, 'Workflow', { log: createLogger('informer', { kind: 'Workflow' }) });
  // Triggers of Functions (a call over Kafka) and of Workflows (an execution, whose steps need Kafka too).
  const targets = () => triggerTargets(functions.list(), workflows.list());
  const fire = functionKafka && triggerFirer({ call: (call) => functionKafka.send(call), executions: store });
  const schedules = fire && new ScheduleTriggers({ kv, targets, fire, log: createLogger('schedule-triggers') });
  for (const i of [functions, workflows]) i.onChange(() => schedules?.sync());
  onApplied = (revision, previous) => {
    functionController.resync();
    if (fire) void fireGitTriggers({ gitdir: git.gitdir, targets, fire, log: createLogger('git-triggers') }, revision, previous);
  };
  const namespaces = new Informer(source, 'Namespace', { log: createLogger('informer', { kind: 'Namespace' }) });
  const executions = new Informer(source, 'Execution', { log: createLogger('informer', { kind: 'Execution' }) });
  // Workflow steps travel over Kafka only: without a broker, Executions wait until the control plane has one.
  const workflowExecutor =
    opts.kafka &&
    new WorkflowExecutor({
      store,
      executions,
      transport: new KafkaStepTransport(
        kafkaClientConfig(opts.kafka, 'workflows', 'host', 'workflow-executor'),
        createLogger('workflow-kafka'),
        opts.workflowReplies,
      ),
      log: createLogger('workflow-executor'),
    });
  await workflowExecutor?.start();
  const controllers = [
    ...(workflowExecutor ? [workflowExecutor] : []),
    new ExecutionRetention({ store, executions, log: createLogger('execution-retention') }),
    new SchedulerController({ store, pods, nodes, log: createLogger('scheduler') }),
    new NodeLifecycleController({ store, pods, nodes, log: createLogger('node-lifecycle'), health: { ...defaultNodeHealthOptions, ...opts.nodeHealth } }),
    new ServiceIPController({
      store,
      services,
      network: { ...defaultServiceNetwork, ...(config.serviceCIDR && { serviceCIDR: config.serviceCIDR }) },
      log: createLogger('service-ip'),
    }),
    new EndpointsController({ store, services, pods, endpoints, log: createLogger('endpoints') }),
    new NamespaceController({ store, namespaces, log: createLogger('namespaces') }),
    new ReplicaSetController({ store, pods, replicaSets, log: createLogger('replicaset-controller') }),
    new DeploymentController({ store, deployments, replicaSets, log: createLogger('deployment-controller') }),
    new HpaController({ store, hpas, pods, metrics: nodeMetrics, log: createLogger('hpa-controller') }),
    functionController,
  ];
  const informers = [pods, nodes, services, endpoints, replicaSets, deployments, hpas, nodeMetrics, functions, workflows, executions, namespaces];
  await Promise.all(informers.map((i) => i.start()));
  await ensureBuiltInNamespaces(store);
  await ensureGatewayService(store);
  schedules?.sync();
  lag?.start();
  log.info({ url, gitUrl: config.gitUrl }, 'control plane ready');

  return {
    url,
    store,
    async stop() {
      for (const i of informers) i.stop();
      await Promise.all(controllers.map((c) => c.stop()));
      await schedules?.stop();
      await lag?.stop();
      await functionKafka?.stop();
      await git.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await kv.close();
    },
  };
}
