import { z } from 'zod';
import { conditionSchema, type LabelSelector, labelSelectorSchema, objectMetaSchema, selectorMatches } from './meta.js';
import { type PodTemplate, podTemplateSchema } from './pod.js';
import { parseCpuMillis, parseMemoryBytes } from './quantity.js';

const replicaSetSpecSchema = z.strictObject({
  replicas: z.number().int().min(0).default(1),
  selector: labelSelectorSchema,
  template: podTemplateSchema,
  minReadySeconds: z.number().int().min(0).optional(),
});

const replicaSetStatusSchema = z.object({
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  conditions: z.array(conditionSchema).optional(),
});

/** As Kubernetes validates it: a selector that selects something, and the template's pods match it (or the controller could never count them). */
function checkSelector(spec: { selector: LabelSelector; template: PodTemplate }, ctx: z.RefinementCtx): void {
  const { selector, template } = spec;
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
    ctx.addIssue({ code: 'custom', path: ['spec', 'selector'], message: 'empty selector is invalid' });
  else if (!selectorMatches(selector, template.metadata?.labels))
    ctx.addIssue({ code: 'custom', path: ['spec', 'template', 'metadata', 'labels'], message: '`selector` does not match template `labels`' });
}

export const replicaSetSchema = z
  .strictObject({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('ReplicaSet'),
    metadata: objectMetaSchema,
    spec: replicaSetSpecSchema,
    status: replicaSetStatusSchema.optional(),
  })
  .superRefine((rs, ctx) => checkSelector(rs.spec, ctx));
export type ReplicaSet = z.infer<typeof replicaSetSchema>;

/** An absolute count or a percentage such as "25%". */
const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/, 'must be a number or a percentage such as 25%')]);

const isZero = (v: number | string) => v === 0 || v === '0%';

export const deploymentSchema = z
  .strictObject({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata: objectMetaSchema,
    spec: replicaSetSpecSchema.extend({
      strategy: z
        .strictObject({
          type: z.enum(['RollingUpdate', 'Recreate']).default('RollingUpdate'),
          rollingUpdate: z.strictObject({ maxSurge: intOrPercent.default('25%'), maxUnavailable: intOrPercent.default('25%') }).optional(),
        })
        .optional(),
      revisionHistoryLimit: z.number().int().min(0).default(10),
      progressDeadlineSeconds: z.number().int().min(1).default(600),
    }),
    status: replicaSetStatusSchema.extend({ updatedReplicas: z.number().int().optional(), unavailableReplicas: z.number().int().optional() }).optional(),
  })
  .superRefine((d, ctx) => {
    checkSelector(d.spec, ctx);
    const { type, rollingUpdate } = d.spec.strategy ?? {};
    const path = ['spec', 'strategy', 'rollingUpdate'];
    if (type === 'Recreate' && rollingUpdate) ctx.addIssue({ code: 'custom', path, message: 'may not be specified when strategy `type` is Recreate' });
    else if (rollingUpdate && isZero(rollingUpdate.maxSurge) && isZero(rollingUpdate.maxUnavailable))
      ctx.addIssue({ code: 'custom', path: [...path, 'maxUnavailable'], message: 'may not be 0 when `maxSurge` is 0' });
    else if (rollingUpdate && typeof rollingUpdate.maxUnavailable === 'string' && parseInt(rollingUpdate.maxUnavailable, 10) > 100)
      ctx.addIssue({ code: 'custom', path: [...path, 'maxUnavailable'], message: 'must not be greater than 100%' });
  });
export type Deployment = z.infer<typeof deploymentSchema>;

const metricTargetSchema = z
  .strictObject({
    type: z.enum(['Utilization', 'AverageValue']),
    averageUtilization: z.number().int().min(1).optional(),
    averageValue: z.union([z.string(), z.number()]).optional(),
  })
  .refine(
    (t) => (t.type === 'Utilization' ? t.averageUtilization !== undefined : t.averageValue !== undefined),
    'Utilization needs averageUtilization; AverageValue needs averageValue',
  );

const scalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z
    .array(z.strictObject({ type: z.enum(['Pods', 'Percent']), value: z.number().int().min(1), periodSeconds: z.number().int().min(1).max(1800) }))
    .optional(),
});

/** An AverageValue target must be a quantity of its resource (`500m`, `64Mi`). */
function checkAverageValue(r: { name: 'cpu' | 'memory'; target: { averageValue?: string | number | undefined } }, ctx: z.RefinementCtx): void {
  const v = r.target.averageValue;
  if (v === undefined) return;
  const parsed = r.name === 'cpu' ? parseCpuMillis(v) : parseMemoryBytes(v);
  if (parsed === undefined || parsed <= 0)
    ctx.addIssue({
      code: 'custom',
      path: ['target', 'averageValue'],
      message: `must be a positive ${r.name} quantity such as ${r.name === 'cpu' ? '500m' : '64Mi'}`,
    });
}

export const horizontalPodAutoscalerSchema = z.strictObject({
  apiVersion: z.literal('autoscaling/v2'),
  kind: z.literal('HorizontalPodAutoscaler'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      scaleTargetRef: z.strictObject({ apiVersion: z.string().optional(), kind: z.enum(['Deployment', 'ReplicaSet']), name: z.string() }),
      minReplicas: z.number().int().min(1).default(1),
      maxReplicas: z.number().int().min(1),
      metrics: z
        .array(
          z.strictObject({
            type: z.literal('Resource'),
            resource: z.strictObject({ name: z.enum(['cpu', 'memory']), target: metricTargetSchema }).superRefine(checkAverageValue),
          }),
        )
        .optional(),
      behavior: z.strictObject({ scaleUp: scalingRulesSchema.optional(), scaleDown: scalingRulesSchema.optional() }).optional(),
    })
    .refine((s) => s.maxReplicas >= s.minReplicas, { message: 'maxReplicas must not be less than minReplicas', path: ['maxReplicas'] }),
  status: z
    .object({
      currentReplicas: z.number().int().optional(),
      desiredReplicas: z.number().int().optional(),
      lastScaleTime: z.string().optional(),
      /** autoscaling/v2's MetricStatus: `{type: Resource, resource: {name, current: {averageUtilization, averageValue}}}`. */
      currentMetrics: z
        .array(
          z.object({
            type: z.literal('Resource'),
            resource: z.object({ name: z.string(), current: z.object({ averageUtilization: z.number().optional(), averageValue: z.string().optional() }) }),
          }),
        )
        .optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});
export type HorizontalPodAutoscaler = z.infer<typeof horizontalPodAutoscalerSchema>;
