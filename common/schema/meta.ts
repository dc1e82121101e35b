import { z } from 'zod';

/** RFC 1123 subdomain, as Kubernetes requires for most object names. */
export const nameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be lower-case letters, digits, "-" or ".", starting and ending with a letter or digit');

export const labelsSchema = z.record(z.string(), z.string());

export const ownerReferenceSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: nameSchema,
  uid: z.string(),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

/**
 * Fields a user may write in Git, plus the ones the API server assigns
 * (uid, resourceVersion, creationTimestamp, generation).
 */
export const objectMetaSchema = z.strictObject({
  name: nameSchema,
  namespace: nameSchema.optional(),
  labels: labelsSchema.optional(),
  annotations: labelsSchema.optional(),
  ownerReferences: z.array(ownerReferenceSchema).optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  generation: z.number().int().optional(),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

export const labelSelectorSchema = z.strictObject({
  matchLabels: labelsSchema.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** Whether labels satisfy a selector, as Kubernetes matches them (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const has = (key: string) => labels !== undefined && Object.hasOwn(labels, key);
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) &&
    (selector.matchExpressions ?? []).every((e) => {
      const values = e.values ?? [];
      switch (e.operator) {
        case 'In':
          return has(e.key) && values.includes(labels![e.key]!);
        case 'NotIn':
          return !has(e.key) || !values.includes(labels![e.key]!);
        case 'Exists':
          return has(e.key);
        case 'DoesNotExist':
          return !has(e.key);
      }
    })
  );
}

export const conditionStatusSchema = z.enum(['True', 'False', 'Unknown']);

/** Status conditions share one shape across kinds; each kind narrows `type` and `reason` in its own code. */
export const conditionSchema = z.object({
  type: z.string(),
  status: conditionStatusSchema,
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  /** When the condition was last confirmed or refreshed (a Deployment's progress), as opposed to when it changed. */
  lastUpdateTime: z.string().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

/** Annotations minik8s writes on objects it synced from Git. */
export const ANNOTATION_SOURCE_FILE = 'minik8s.io/source-file';
export const ANNOTATION_SOURCE_COMMIT = 'minik8s.io/source-commit';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_GIT = 'minik8s-git';
/**
 * On a stored Deployment or ReplicaSet: `hpa` means an autoscaler sets `spec.replicas` (the HPA controller
 * marks its target so, and takes the mark away when no HPA scales it), so Git sync keeps the cluster's count.
 */
export const ANNOTATION_REPLICAS_MANAGED_BY = 'minik8s.io/replicas-managed-by';
