import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';

const resourceCapacity = z.object({ cpu: z.string(), memory: z.string(), pods: z.string().optional() });

/** A Node is registered by its agent, never committed to Git. */
export const nodeSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: objectMetaSchema,
  spec: z.strictObject({
    podCIDR: z.string().optional(),
    unschedulable: z.boolean().optional(),
  }),
  status: z
    .object({
      addresses: z.array(z.object({ type: z.enum(['InternalIP', 'Hostname']), address: z.string() })).optional(),
      capacity: resourceCapacity.optional(),
      allocatable: resourceCapacity.optional(),
      conditions: z.array(conditionSchema.extend({ lastHeartbeatTime: z.string().optional() })).optional(),
      daemonEndpoints: z.object({ agentPort: z.number() }).optional(),
      /** As Kubernetes' NodeSystemInfo; clients such as the Python one need every field of it. */
      nodeInfo: z
        .object({
          machineID: z.string(),
          systemUUID: z.string(),
          bootID: z.string(),
          kernelVersion: z.string(),
          osImage: z.string(),
          containerRuntimeVersion: z.string(),
          kubeletVersion: z.string(),
          kubeProxyVersion: z.string(),
          operatingSystem: z.string(),
          architecture: z.string(),
        })
        .optional(),
    })
    .optional(),
});
export type Node = z.infer<typeof nodeSchema>;

export const eventSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Event'),
  metadata: objectMetaSchema,
  involvedObject: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional(), uid: z.string().optional() }),
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  source: z.object({ component: z.string(), host: z.string().optional() }).optional(),
  count: z.number().int().default(1),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
});
export type Event = z.infer<typeof eventSchema>;
