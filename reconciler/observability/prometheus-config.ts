import { stringify } from 'yaml';
import { PROMETHEUS_SD_PATHS } from './sd-paths.js';

/** What Prometheus' configuration is rendered from (scripts/lib/prometheus.sh passes the cluster's values). */
export interface PrometheusConfigInput {
  /** The control plane as Prometheus reaches it (the API URL on the control-plane host). */
  apiUrl: string;
  /** The scrape token's file (mode 0600): Prometheus presents it to the control plane and the agents. */
  tokenFile: string;
  /** The cluster CA: the API's and every node agent's serving certificates come from it. */
  caFile: string;
  /** Prometheus' own address, for its self-scrape. */
  listenAddress: string;
  /** How often every target is scraped (5 s: a new pod shows within 15 s of running). */
  scrapeIntervalSeconds?: number;
  /**
   * How often the target lists are read again (2 s): Prometheus 2.42 hands new targets to its scrapers at most
   * every 5 s on top of this, and scrapes a new one within an interval, so 2 s keeps a new pod well inside 15 s.
   */
  sdRefreshSeconds?: number;
  /** A target answering more series than this fails its scrape instead of filling memory. */
  sampleLimit?: number;
}

/**
 * prometheus.yml as a pure function of the cluster's addresses: the control plane scraped directly, nodes
 * and annotated pods discovered through the control plane's http_sd endpoints (refreshed every few
 * seconds, so no reload is ever needed), every request to minik8s carrying the scrape token.
 */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const api = new URL(input.apiUrl);
  const interval = `${input.scrapeIntervalSeconds ?? 5}s`;
  const authorization = { type: 'Bearer', credentials_file: input.tokenFile };
  const tls = { tls_config: { ca_file: input.caFile } };
  const sd = (path: string) => ({
    http_sd_configs: [{ url: new URL(path, api).toString(), refresh_interval: `${input.sdRefreshSeconds ?? 2}s`, authorization, ...tls }],
    authorization,
    sample_limit: input.sampleLimit ?? 20_000,
  });
  // Node agents' ports (pods are scraped through their node's agent) speak TLS only, with certificates from the cluster CA.
  const viaAgent = (path: string) => ({ ...sd(path), scheme: 'https', ...tls });
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: '15s' },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [input.listenAddress] }] },
      {
        job_name: 'minik8s-control-plane',
        scheme: api.protocol.replace(':', ''),
        authorization,
        ...tls,
        static_configs: [{ targets: [api.host], labels: { component: 'control-plane' } }],
      },
      { job_name: 'node-exporter', ...viaAgent(PROMETHEUS_SD_PATHS.nodeExporter) },
      { job_name: 'minik8s-agent', ...viaAgent(PROMETHEUS_SD_PATHS.agent) },
      { job_name: 'cadvisor', ...viaAgent(PROMETHEUS_SD_PATHS.cadvisor) },
      { job_name: 'gateway', ...sd(PROMETHEUS_SD_PATHS.gateway) },
      {
        job_name: 'pods',
        ...viaAgent(PROMETHEUS_SD_PATHS.pods),
        // The pod's labels, as kube-prometheus' pod discovery maps them.
        relabel_configs: [{ action: 'labelmap', regex: '__meta_minik8s_pod_label_(.+)' }],
      },
    ],
  };
  return `# Rendered by minik8s (reconciler/observability/prometheus-config.ts) on every start; edits are overwritten.\n${stringify(config)}`;
}
