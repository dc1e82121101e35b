import type { InvocationRequestInput } from '../functions/invocation.js';
import { type TriggerEvent, type TriggerTarget, triggerCall } from '../functions/trigger-events.js';
import type { Json } from '../schema/index.js';
import { type ExecutionCreator, startTriggeredExecution } from './executions.js';

/** Fires one trigger's event at its target. */
export type FireTrigger = (target: TriggerTarget, event: TriggerEvent) => Promise<void>;

/** A trigger's body as an execution's input: its JSON, or the text itself when it is not JSON. */
export function triggerInput(event: TriggerEvent): Json {
  const text = event.body.toString('utf8');
  try {
    return text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    return text;
  }
}

/**
 * What firing means, for whoever fires (the control plane's schedule and git triggers, the gateway's kafka
 * triggers): a Function's trigger makes a call (sent over Kafka, or run at once by the gateway that consumes
 * it); a Workflow's starts an execution named by the event, so a redelivered event starts none.
 */
export function triggerFirer(deps: { call: (c: InvocationRequestInput) => Promise<void>; executions: ExecutionCreator }): FireTrigger {
  return (target, event) =>
    target.kind === 'Function'
      ? deps.call(triggerCall(target, event))
      : startTriggeredExecution(deps.executions, target.namespace, target.name, triggerInput(event), event.source, event.id);
}
