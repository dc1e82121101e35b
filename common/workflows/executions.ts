import { createHash, randomBytes } from 'node:crypto';
import type { ApiClient } from '../client/api-client.js';
import { hasReason } from '../errors/reason-error.js';
import { type Execution, type Json, LABEL_WORKFLOW } from '../schema/index.js';

/** The label naming an Execution itself, so that one can be watched alone. */
export const LABEL_EXECUTION = 'minik8s.io/execution';

/** Who may start an execution: the gateway (HTTP), mkctl, or a function trigger. */
export type ExecutionStarter = 'http' | 'cli' | 'schedule' | 'kafka' | 'git';

/**
 * A new Execution of `workflow`, labelled with its workflow and its own name: `WORKFLOW-<time><random>`, or
 * `WORKFLOW-<source>-<hash of eventId>` for one a trigger's event starts, so the same event names the same execution.
 */
export function newExecution(namespace: string, workflow: string, input: Json, startedBy: ExecutionStarter, eventId?: string): Execution {
  const suffix =
    eventId === undefined
      ? `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
      : `${startedBy}-${createHash('sha256').update(eventId).digest('hex').slice(0, 16)}`;
  const name = `${workflow.slice(0, 253 - suffix.length - 1)}-${suffix}`;
  return {
    apiVersion: 'minik8s.io/v1',
    kind: 'Execution',
    metadata: { name, namespace, labels: { [LABEL_WORKFLOW]: workflow, [LABEL_EXECUTION]: name } },
    spec: { workflow, input, startedBy },
  };
}

/** Starts an execution: the control plane's workflow executor picks the new object up. */
export function startWorkflow(api: ApiClient, namespace: string, workflow: string, input: Json, startedBy: ExecutionStarter): Promise<Execution> {
  return api.create(newExecution(namespace, workflow, input, startedBy));
}

/** Whatever can create objects: the API client (gateway, mkctl) or the store (the control plane). */
export interface ExecutionCreator {
  create(e: Execution): Promise<Execution>;
}

/**
 * Starts the execution a trigger's event asks for, once: it is named by the event, so an event delivered
 * again (a Kafka message after a crash, a tick claimed twice) finds it there and starts nothing.
 */
export async function startTriggeredExecution(
  creator: ExecutionCreator,
  namespace: string,
  workflow: string,
  input: Json,
  startedBy: ExecutionStarter,
  eventId: string,
): Promise<void> {
  try {
    await creator.create(newExecution(namespace, workflow, input, startedBy, eventId));
  } catch (err) {
    if (!hasReason(err, 'AlreadyExists')) throw err;
  }
}

export function isFinished(e: Execution): boolean {
  return e.status !== undefined && e.status.phase !== 'Running';
}

/**
 * Resolves with the execution once it has finished, or undefined after `timeoutMs`. Watches only this
 * execution (by its label), from its current state, so an execution that finished before the watch
 * began is seen at once.
 */
export async function waitForExecution(api: ApiClient, namespace: string, name: string, timeoutMs: number): Promise<Execution | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    while (!abort.signal.aborted) {
      for await (const e of api.watch('Execution', { namespace, labelSelector: `${LABEL_EXECUTION}=${name}` }, abort.signal))
        if (e.type !== 'DELETED' && isFinished(e.object)) return e.object;
    }
    return undefined;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
