import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { conditionSchema, objectMetaSchema } from './meta.js';
import { resourceRequirementsSchema } from './pod.js';

/** A path in the cluster repository: relative, no `..`, no leading slash. */
const repoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a path inside the repository, such as functions/thumbnail/');

export const functionTriggerSchema = z.union([
  z.strictObject({
    /** Cron syntax with optional seconds (node-cron): `*\/5 * * * *`. */
    schedule: z.string().refine((s) => validCron(s), 'must be a cron expression such as "*/5 * * * *"'),
    /** The event body of every tick (JSON). */
    data: z.unknown().optional(),
  }),
  z.strictObject({ kafka: z.strictObject({ topic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name') }) }),
  z.strictObject({ git: z.strictObject({ paths: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }) }),
]);
export type FunctionTrigger = z.infer<typeof functionTriggerSchema>;

const functionSpecSchema = z
  .strictObject({
    /** A `.py` file or a folder of the cluster repository. */
    source: repoPath,
    /** The file in a folder source that defines `handle(event, context)`, optionally `file.py:function`. */
    handler: z
      .string()
      .regex(/^[^/:]+\.py(:[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be FILE.py or FILE.py:FUNCTION')
      .default('handler.py'),
    runtime: z.literal('python3').default('python3'),
    env: z
      .array(z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), value: z.string().default('') }))
      .optional(),
    resources: resourceRequirementsSchema.optional(),
    timeoutSeconds: z.number().int().min(1).max(900).default(30),
    /** Calls one instance serves at once; more wait at the gateway. */
    concurrency: z.number().int().min(1).max(1000).default(10),
    scale: z
      .strictObject({
        minScale: z.number().int().min(0).default(0),
        maxScale: z.number().int().min(1).max(100).default(10),
        /** In-flight calls per instance the autoscaler aims at (default: `concurrency`). */
        target: z.number().min(0.1).optional(),
        scaleToZeroAfterSeconds: z.number().int().min(1).default(60),
      })
      .default({ minScale: 0, maxScale: 10, scaleToZeroAfterSeconds: 60 }),
    triggers: z.array(functionTriggerSchema).default([]),
    /** Anyone may call it over HTTP, without the function's invoke token (default: only callers with the token). */
    public: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.scale.minScale > spec.scale.maxScale)
      ctx.addIssue({ code: 'custom', path: ['scale', 'maxScale'], message: 'maxScale must not be less than minScale' });
  });

const functionStatusSchema = z.object({
  /** The commit whose code the instances run: the last commit that changed the source. */
  revision: z.string().optional(),
  /** The Git object id of the source (tree or blob): the code's identity. */
  sourceOid: z.string().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  invocations: z.number().int().optional(),
  lastInvocationTime: z.string().optional(),
  /** SHA-256 (hex) of the function's invoke token: what the gateway checks a caller's bearer token against. */
  invokeTokenSha256: z.string().optional(),
  conditions: z.array(conditionSchema).optional(),
});

/** minik8s' serverless kind: Python code in the cluster repository, run by the `python` runtime image. */
export const functionSchema = z.strictObject({
  apiVersion: z.literal('minik8s.io/v1'),
  kind: z.literal('Function'),
  metadata: objectMetaSchema,
  spec: functionSpecSchema,
  status: functionStatusSchema.optional(),
});
export type FunctionObject = z.infer<typeof functionSchema>;
export type FunctionStatus = z.infer<typeof functionStatusSchema>;

/** The handler file and function name a spec names. */
export function handlerOf(spec: FunctionObject['spec']): { file: string; name: string } {
  const [file, name] = spec.handler.split(':') as [string, string | undefined];
  return { file: spec.source.endsWith('.py') ? (spec.source.split('/').pop() ?? file) : file, name: name ?? 'handle' };
}

/** The autoscaler's target in-flight calls per instance. */
export function scaleTarget(spec: FunctionObject['spec']): number {
  return spec.scale.target ?? spec.concurrency;
}
