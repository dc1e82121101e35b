import { z } from 'zod';
import { conditionSchema, labelsSchema, objectMetaSchema } from './meta.js';
import { portNumber } from './pod.js';

export const servicePortSchema = z.strictObject({
  name: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP']).default('TCP'),
  port: portNumber,
  /** A number, or the name of a container port. Defaults to `port`. */
  targetPort: z.union([portNumber, z.string().min(1)]).optional(),
  nodePort: z.number().int().min(30000).max(32767).optional(),
});

export const serviceSpecSchema = z
  .strictObject({
    type: z.enum(['ClusterIP', 'NodePort']).default('ClusterIP'),
    selector: labelsSchema.optional(),
    clusterIP: z.ipv4().optional(),
    ports: z.array(servicePortSchema).min(1),
  })
  .superRefine((spec, ctx) => {
    if (spec.ports.length > 1)
      spec.ports.forEach((p, i) => {
        if (!p.name) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: 'is required when a service has more than one port' });
      });
    if (spec.type === 'ClusterIP')
      spec.ports.forEach((p, i) => {
        if (p.nodePort !== undefined) ctx.addIssue({ code: 'custom', path: ['ports', i, 'nodePort'], message: 'may only be set when type is NodePort' });
      });
  });

export const serviceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: objectMetaSchema,
  spec: serviceSpecSchema,
  status: z.looseObject({ conditions: z.array(conditionSchema).optional() }).optional(),
});
export type Service = z.infer<typeof serviceSchema>;

/**
 * Condition the service IP controller sets (status False) while a service cannot have an address it
 * names — taken by another service, or out of range; node agents do not program such a service.
 */
export const SERVICE_ADDRESSES_CONDITION = 'AddressesAllocated';

export function serviceAddressesRefused(service: Service): boolean {
  return service.status?.conditions?.some((c) => c.type === SERVICE_ADDRESSES_CONDITION && c.status === 'False') ?? false;
}

/** Written by the endpoints controller: the Ready pods behind a service. */
export const endpointsSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Endpoints'),
  metadata: objectMetaSchema,
  subsets: z.array(
    z.object({
      addresses: z.array(
        z.object({
          ip: z.string(),
          nodeName: z.string().optional(),
          targetRef: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }).optional(),
        }),
      ),
      ports: z.array(z.object({ name: z.string().optional(), port: z.number(), protocol: z.enum(['TCP', 'UDP']) })),
    }),
  ),
});
export type Endpoints = z.infer<typeof endpointsSchema>;
