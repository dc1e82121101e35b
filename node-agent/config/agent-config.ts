import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatFieldPath, labelsSchema, nameSchema } from '../../common/schema/index.js';

const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address');

/** The node agent's configuration file (templates/node-agent.yaml). */
export const agentConfigSchema = z.strictObject({
  nodeName: nameSchema,
  labels: labelsSchema.default({}),
  apiUrl: z.url(),
  /** The cluster CA (PEM file) the API's certificate is verified with; without it, the system's CAs. */
  caFile: z.string().startsWith('/').optional(),
  /** The bootstrap token: exchanged once for the node's own credential (node-credentials.ts). */
  joinToken: z.string().min(1),
  /** Prometheus' scrape credential: accepted on the agent's /metrics routes only. */
  metricsToken: z.string().min(16).optional(),
  /** The node exporter the agent forwards /metrics/node-exporter to (it listens on the node's loopback only). */
  nodeExporterUrl: z.url().default('http://127.0.0.1:9100/metrics'),
  dockerSocket: z.string().min(1).default('/var/run/docker.sock'),
  nodeIP: ipv4,
  agentPort: z.number().int().min(1).max(65535).default(10250),
  /** The agent's serving certificate (PEM, from the cluster CA, naming nodeIP) and key: agentPort speaks TLS only. */
  tlsCertFile: z.string().startsWith('/'),
  tlsPrivateKeyFile: z.string().startsWith('/'),
  stateDir: z.string().startsWith('/').default('/var/lib/minik8s-agent'),
  /**
   * A fixed pod subnet, used when the control plane has allocated the node none (a cluster without its
   * allocator); left out, the agent waits for the allocation.
   */
  podCIDR: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR such as 10.244.1.0/24')
    .optional(),
  /** The whole pod network: traffic inside it is routed between nodes unchanged, traffic leaving it is masqueraded. */
  clusterCIDR: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR such as 10.244.0.0/16')
    .default('10.244.0.0/16'),
  /** Services' cluster IPs (the control plane's serviceCIDR): a node without a default route gets a route for it. */
  serviceCIDR: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be a CIDR such as 10.96.0.0/16')
    .default('10.96.0.0/16'),
  heartbeatSeconds: z.number().positive().default(5),
  /** Restart and image-pull back-off (kubelet: 10 s doubling to 300 s). */
  backOff: z
    .strictObject({ baseSeconds: z.number().positive().default(10), maxSeconds: z.number().positive().default(300) })
    .default({ baseSeconds: 10, maxSeconds: 300 }),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

/** Parses a config document; errors name the field (`agentPort: expected number`). */
export function parseAgentConfig(raw: unknown, source = 'config'): AgentConfig {
  const r = agentConfigSchema.safeParse(raw ?? {});
  if (!r.success) throw new AgentConfigError(`${source}: ${r.error.issues.map((i) => `${formatFieldPath(i.path) || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  return parseAgentConfig(parseYaml(await readFile(file, 'utf8')), file);
}
