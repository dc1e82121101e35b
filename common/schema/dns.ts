import { z } from 'zod';
import { objectMetaSchema } from './meta.js';
import { portNumber } from './pod.js';

/** minik8s' own kind: maps host/path on port 80 to services through the gateway. */
export const dnsSchema = z.strictObject({
  apiVersion: z.literal('minik8s.io/v1'),
  kind: z.literal('DNS'),
  metadata: objectMetaSchema,
  spec: z.strictObject({
    host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a host name such as shop.example.com'),
    paths: z
      .array(
        z.strictObject({
          path: z.string().startsWith('/'),
          service: z.string().min(1),
          port: portNumber,
          /** Keep the path prefix when forwarding; by default it is stripped. */
          keepPrefix: z.boolean().default(false),
        }),
      )
      .min(1),
  }),
  status: z.object({}).passthrough().optional(),
});
export type DNS = z.infer<typeof dnsSchema>;
