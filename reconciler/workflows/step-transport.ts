import type { Json } from '../../common/schema/index.js';

/** One Task's call: a Function of the execution's namespace, with the step's input. */
export interface StepCall {
  callId: string;
  namespace: string;
  function: string;
  input: Json;
  timeoutSeconds: number;
}

/** What came back for a call: the function's output, or its error type and message. */
export type StepReply = { callId: string; ok: true; output: Json } | { callId: string; ok: false; error: string; cause: string };

/** The call cannot be made at all (the Function does not exist): the step fails now instead of at its deadline. */
export class StepCallRefused extends Error {
  override name = 'StepCallRefused';
}

/**
 * How the executor calls functions and hears back. The Kafka transport (./kafka-step-transport.ts)
 * is the real one; unit tests use an in-memory one. `onReply`'s handler resolves once the reply is
 * recorded in etcd, and only then may the transport forget it (commit the offset).
 */
export interface StepTransport {
  invoke(call: StepCall): Promise<void>;
  onReply(handler: (reply: StepReply) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A call id names the execution and its step, so that a reply finds its way back after any restart:
 * `NAMESPACE/EXECUTION/STEP` (namespaces and names hold no `/`).
 */
export function stepCallId(namespace: string, execution: string, stepId: string): string {
  return `${namespace}/${execution}/${stepId}`;
}

export function parseStepCallId(callId: string): { namespace: string; execution: string; stepId: string } | undefined {
  const m = /^([^/]+)\/([^/]+)\/(.+)$/.exec(callId);
  return m ? { namespace: m[1]!, execution: m[2]!, stepId: m[3]! } : undefined;
}
