import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** Where a cluster keeps its state; every path of the control plane derives from it. */
export function minik8sHome(): string {
  return process.env.MINIK8S_HOME ?? '/var/lib/minik8s';
}

export function clusterConfigPath(home = minik8sHome()): string {
  return process.env.MINIK8S_CONFIG ?? join(home, 'cluster.json');
}

/** Kubernetes' Pod Security Standards level, and the host directories pods may mount (and everything under them). */
export const podSecurityConfigSchema = z.strictObject({
  level: z.enum(['privileged', 'baseline', 'restricted']).default('baseline'),
  allowedHostPaths: z.array(z.string().startsWith('/')).default([]),
});
export type PodSecurityConfig = z.infer<typeof podSecurityConfigSchema>;

export const clusterConfigSchema = z.strictObject({
  /** URL that the CLI and node agents use to reach the API server. */
  apiUrl: z.url(),
  /** URL of the cluster repository over Git smart HTTP. */
  gitUrl: z.url(),
  /** The admin credential: bearer token for the API and password for Git pushes (user `minik8s`). */
  token: z.string().min(16),
  /** The bootstrap token: good only for exchanging into a node's own credential when it joins. */
  joinToken: z.string().min(16),
  /** Prometheus' credential: read-only, accepted only by the scrape endpoints (/metrics, service discovery, the agents' /metrics). */
  metricsToken: z.string().min(16).optional(),
  /** Prometheus' HTTP API, which the control plane forwards queries to (default http://127.0.0.1:9090). */
  prometheusUrl: z.url().optional(),
  /** Key the control plane derives node and component tokens from (reconciler/auth/scoped-tokens.ts). */
  tokenKey: z.string().min(32),
  /** The cluster CA (PEM): what clients trust for the API and Git. */
  caFile: z.string().min(1),
  /** The API and Git serving certificate, signed by the cluster CA. */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }),
  etcdEndpoints: z.array(z.string()).min(1),
  /** The control plane's client certificate for etcd, and the etcd CA; only the control plane holds them. */
  etcdTls: z.strictObject({ caFile: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }),
  /** Key prefix in etcd, so several clusters (or tests) can share one etcd. */
  etcdPrefix: z.string().default(''),
  listen: z.strictObject({ host: z.string().default('0.0.0.0'), port: z.number().int().min(0).max(65535) }),
  /** Services' cluster IPs come from here (default 10.96.0.0/16); the first 15 host addresses are kept for the cluster's own services. */
  serviceCIDR: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR such as 10.96.0.0/16')
    .optional(),
  /**
   * A fresh cluster's first sync waits (2 min at most) until this many nodes are Ready, so what the
   * repository holds is spread over them; npm start sets it to the node count.
   */
  firstSyncNodes: z.number().int().min(0).optional(),
  /** Accept non-fast-forward pushes to the synced branch (refused by default); the commits they replace stay in `mkctl history`. */
  allowForcePush: z.boolean().optional(),
  /** Pod Security admission, applied to pushes and to pods created through the API; Kubernetes' baseline, no hostPath, when absent. */
  podSecurity: podSecurityConfigSchema.optional(),
  /** Follow an external Git remote instead of (in addition to) pushes to the hosted repository. */
  remote: z
    .strictObject({
      url: z.string(),
      branch: z.string().default('main'),
      intervalSeconds: z.number().min(1).default(60),
      username: z.string().optional(),
      password: z.string().optional(),
    })
    .optional(),
});
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

export const GIT_USER = 'minik8s';

/** Where Prometheus listens unless the cluster config says otherwise: the control-plane host's loopback. */
export const DEFAULT_PROMETHEUS_URL = 'http://127.0.0.1:9090';

export function readClusterConfig(path = clusterConfigPath()): ClusterConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read cluster config ${path}: ${(err as Error).message} (is the cluster up? run: npm start)`);
  }
  const r = clusterConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The cluster CA's PEM: what the CLI, node agents and components verify the API's certificate with. */
export function readClusterCa(config: Pick<ClusterConfig, 'caFile'>): string {
  try {
    return readFileSync(config.caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the cluster CA ${config.caFile}: ${(err as Error).message}`);
  }
}

export async function writeClusterConfig(config: ClusterConfig, path = clusterConfigPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
