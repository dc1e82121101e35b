import type { Endpoints, Node, Pod } from '../../common/schema/index.js';

/** One entry of a Prometheus `http_sd_configs` answer. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** What a node serves for Prometheus, each on the agent's port (metrics-routes.ts in the node agent). */
export const NODE_ROLES = { 'node-exporter': '/metrics/node-exporter', agent: '/metrics', cadvisor: '/metrics/cadvisor' } as const;
export type NodeRole = keyof typeof NODE_ROLES;

export const isNodeRole = (role: string): role is NodeRole => Object.hasOwn(NODE_ROLES, role);

/** The annotations a pod opts in with, as kube-prometheus' pod discovery reads them. */
export const SCRAPE_ANNOTATIONS = { scrape: 'prometheus.io/scrape', port: 'prometheus.io/port', path: 'prometheus.io/path' } as const;

/** `app.kubernetes.io/name` → `app_kubernetes_io_name`: Prometheus label names are [a-zA-Z_][a-zA-Z0-9_]*. */
export function sanitizeLabelName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** Meta labels (dropped after relabelling), which the scrape config maps to plain ones with `labelmap`. */
function metaLabels(prefix: string, labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [`__meta_minik8s_${prefix}_label_${sanitizeLabelName(k)}`, v]));
}

function agentAddress(node: Node): string | undefined {
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return ip && `${ip}:${node.status?.daemonEndpoints?.agentPort ?? 10250}`;
}

/**
 * One group per node that has an address: its agent's port with the role's path. Every registered node
 * is listed, Ready or not (a node that is down shows as `up == 0`); a node deleted from the API is dropped.
 */
export function nodeTargetGroups(nodes: readonly Node[], role: NodeRole): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const node of [...nodes].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const address = agentAddress(node);
    if (!address) continue;
    groups.push({ targets: [address], labels: { __metrics_path__: NODE_ROLES[role], node: node.metadata.name, ...metaLabels('node', node.metadata.labels) } });
  }
  return groups;
}

/** The port a pod is scraped on: its annotation, else its only declared container port. */
function scrapePort(pod: Pod): number | undefined {
  const annotated = pod.metadata.annotations?.[SCRAPE_ANNOTATIONS.port];
  if (annotated !== undefined) {
    const port = Number(annotated);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  }
  const ports = pod.spec.containers.flatMap((c) => c.ports ?? []);
  return ports.length === 1 ? ports[0]!.containerPort : undefined;
}

/**
 * One group per running pod annotated `prometheus.io/scrape: "true"`, scraped through its node's agent
 * (Prometheus runs outside the pod network; the agent forwards only to pods it runs). `instance` is the
 * pod's own address, as Kubernetes' pod discovery would give it. A pod being deleted, not yet running,
 * with no usable port or on a node without an address is left out.
 */
export function podTargetGroups(pods: readonly Pod[], nodes: readonly Node[]): TargetGroup[] {
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const groups: TargetGroup[] = [];
  for (const pod of pods) {
    const { metadata, spec, status } = pod;
    if (metadata.annotations?.[SCRAPE_ANNOTATIONS.scrape] !== 'true' || metadata.deletionTimestamp) continue;
    if (status?.phase !== 'Running' || !status.podIP || !spec.nodeName) continue;
    const node = byName.get(spec.nodeName);
    const address = node && agentAddress(node);
    const port = scrapePort(pod);
    if (!address || port === undefined) continue;
    const namespace = metadata.namespace ?? 'default';
    const path = metadata.annotations?.[SCRAPE_ANNOTATIONS.path] || '/metrics';
    groups.push({
      targets: [address],
      labels: {
        __metrics_path__: `/metrics/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(metadata.name)}`,
        __param_port: String(port),
        __param_path: path.startsWith('/') ? path : `/${path}`,
        instance: `${status.podIP}:${port}`,
        namespace,
        pod: metadata.name,
        node: spec.nodeName,
        ...metaLabels('pod', metadata.labels),
      },
    });
  }
  return groups.sort((a, b) => `${a.labels.namespace}/${a.labels.pod}`.localeCompare(`${b.labels.namespace}/${b.labels.pod}`));
}

/**
 * The gateway's metrics port, from its Endpoints (the gateway writes them, annotated like a pod): one group per
 * address, scraped directly (the gateway listens on its node's address, which the control-plane host reaches).
 */
export function gatewayTargetGroups(endpoints: Endpoints | undefined): TargetGroup[] {
  if (endpoints?.metadata.annotations?.[SCRAPE_ANNOTATIONS.scrape] !== 'true') return [];
  const port = Number(endpoints.metadata.annotations[SCRAPE_ANNOTATIONS.port]);
  if (!Number.isInteger(port) || port <= 0 || port >= 65536) return [];
  const ips = endpoints.subsets.flatMap((s) => s.addresses.map((a) => a.ip)).sort();
  return ips.map((ip) => ({ targets: [`${ip}:${port}`], labels: { component: 'gateway' } }));
}
