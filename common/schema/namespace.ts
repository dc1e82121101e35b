import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

/**
 * A Namespace, committed to Git or always there (default, kube-system, ...). Removed from Git it turns
 * Terminating (deletionTimestamp set): its objects are deleted first, then the Namespace itself, as in Kubernetes.
 */
export const namespaceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: objectMetaSchema,
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z.strictObject({ phase: z.enum(['Active', 'Terminating']) }).optional(),
});
export type Namespace = z.infer<typeof namespaceSchema>;

/** Whether a namespace is being deleted: nothing new goes into it. */
export const isTerminating = (ns: Namespace | undefined): boolean => ns?.metadata.deletionTimestamp !== undefined;
