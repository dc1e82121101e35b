import { z } from 'zod';

/**
 * The contract of a function call over Kafka, shared by everyone who calls or serves functions
 * (gateway, triggers in the control plane, the workflow engine).
 *
 * - A call is one message on the function's topic (`functionTopic(ns, name)`), key = call id, value =
 *   `InvocationRequest` as JSON. The topic has at least `maxScale` partitions; the gateway consumes it in the
 *   function's consumer group (`functionGroup`) and runs each call on an instance, as an HTTP call would.
 * - The result is one message on `request.replyTopic` (default `FUNCTION_REPLIES_TOPIC`), key = call id,
 *   value = `InvocationReply`. Correlate by `callId`; a caller that wants its replies to itself names a topic of
 *   its own (and creates it). Delivery is at least once: a reply may come twice for one call id.
 */
export const FUNCTION_REPLIES_TOPIC = 'minik8s.function-replies';

/** `_` cannot appear in namespaces or names, so the pair maps to one topic and back. */
export function functionTopic(namespace: string, name: string): string {
  return `minik8s.fn.${namespace}_${name}`;
}

/** The consumer group whose members share a function's calls. */
export function functionGroup(namespace: string, name: string): string {
  return `minik8s.fn.${namespace}_${name}`;
}

/** What started a call (shown in logs and in the reply). */
export const invocationSources = ['http', 'http-async', 'schedule', 'kafka', 'git', 'workflow'] as const;
export type InvocationSource = (typeof invocationSources)[number];

export const invocationRequestSchema = z.object({
  callId: z.string().min(1),
  namespace: z.string().min(1),
  function: z.string().min(1),
  source: z.enum(invocationSources),
  method: z.string().default('POST'),
  /** The path below the function (`/function/NAME/a/b` → `/a/b`), with no query. */
  path: z.string().default('/'),
  query: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  /** The body, base64. */
  body: z.string().default(''),
  replyTopic: z.string().min(1).default(FUNCTION_REPLIES_TOPIC),
  /** Where the result is also POSTed (the `X-Callback-Url` of an async HTTP call). */
  callbackUrl: z.url().optional(),
  enqueuedAt: z.string(),
});
export type InvocationRequest = z.infer<typeof invocationRequestSchema>;
export type InvocationRequestInput = z.input<typeof invocationRequestSchema>;

export const invocationReplySchema = z.object({
  callId: z.string().min(1),
  namespace: z.string(),
  function: z.string(),
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.string()).default({}),
  /** The body, base64. */
  body: z.string().default(''),
  /** The Git revision of the code that answered (the `X-Minik8s-Revision` header). */
  revision: z.string().optional(),
  /** Set when the function raised, timed out or could not be reached. */
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  finishedAt: z.string(),
});
export type InvocationReply = z.infer<typeof invocationReplySchema>;

/** A JSON body as the base64 `body` field. */
export function encodeJsonBody(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/** Parses a Kafka message value; a malformed one throws with the reason (the consumer logs and skips it). */
export function parseInvocationRequest(value: Buffer | null): InvocationRequest {
  return invocationRequestSchema.parse(JSON.parse(value?.toString('utf8') ?? 'null'));
}

export function parseInvocationReply(value: Buffer | null): InvocationReply {
  return invocationReplySchema.parse(JSON.parse(value?.toString('utf8') ?? 'null'));
}

/** The header an instance answers with: which revision of the code ran. */
export const REVISION_HEADER = 'x-minik8s-revision';
/** The header with the call's id (sync calls too), so logs and replies can be matched. */
export const CALL_ID_HEADER = 'x-minik8s-call-id';
