import { z } from 'zod';
import { objectMetaSchema } from './meta.js';
import { parseCpuMillis, parseMemoryBytes } from './quantity.js';

/** CPU in cores used (`250m`) and memory as working set (`12345Ki`), in Kubernetes' quantity notation. */
const usageSchema = z.strictObject({
  cpu: z.string().refine((q) => parseCpuMillis(q) !== undefined, 'must be a CPU quantity such as 250m'),
  memory: z.string().refine((q) => parseMemoryBytes(q) !== undefined, 'must be a memory quantity such as 12Mi'),
});
export type Usage = z.infer<typeof usageSchema>;

const podUsageSchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  containers: z.array(z.strictObject({ name: z.string(), usage: usageSchema })),
});
export type PodUsage = z.infer<typeof podUsageSchema>;

/**
 * What one node's agent measured of its pods (Docker stats), written every few seconds under the node's
 * name: one write per node and interval rather than one per pod. `usage` is the sum over its pods.
 * Neither in Git nor a spec: the HPA controller and `mkctl top` read it, as Kubernetes' metrics API.
 */
export const nodeMetricsSchema = z.strictObject({
  apiVersion: z.literal('metrics.minik8s.io/v1'),
  kind: z.literal('NodeMetrics'),
  metadata: objectMetaSchema,
  /** When the samples were taken. */
  timestamp: z.string(),
  /** The span the CPU rates were averaged over. */
  windowSeconds: z.number().positive(),
  usage: usageSchema,
  pods: z.array(podUsageSchema),
});
export type NodeMetrics = z.infer<typeof nodeMetricsSchema>;
