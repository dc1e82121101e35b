import type { FunctionObject, FunctionTrigger, Workflow } from '../schema/index.js';
import type { InvocationRequestInput } from './invocation.js';

/** What a trigger starts: a Function (a call) or a Workflow (an execution), with the triggers its spec lists. */
export interface TriggerTarget {
  kind: 'Function' | 'Workflow';
  namespace: string;
  name: string;
  triggers: readonly FunctionTrigger[];
}

/**
 * One firing of a trigger. `id` names the event itself (a tick, a commit, a message's offset), so an event
 * delivered twice fires with the same id and its call or execution can be recognised as started already.
 */
export interface TriggerEvent {
  source: 'schedule' | 'git' | 'kafka';
  id: string;
  /** What a called function sees besides the body (`x-minik8s-tick`, `x-kafka-offset`, ...). */
  headers: Record<string, string>;
  body: Buffer;
}

/** Every Function and Workflow that has triggers, as trigger targets. */
export function triggerTargets(functions: readonly FunctionObject[], workflows: readonly Workflow[] = []): TriggerTarget[] {
  const target = (kind: TriggerTarget['kind'], o: FunctionObject | Workflow, triggers: readonly FunctionTrigger[] = []): TriggerTarget[] =>
    triggers.length > 0 ? [{ kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, triggers }] : [];
  return [...functions.flatMap((f) => target('Function', f, f.spec.triggers)), ...workflows.flatMap((w) => target('Workflow', w, w.spec.triggers))];
}

/** `Function/ns/name` or `Workflow/ns/name`: one key per target, for maps and claims. */
export function targetKey(t: TriggerTarget): string {
  return `${t.kind}/${t.namespace}/${t.name}`;
}

/** A trigger's event as a call of its Function, by the function-call contract; the call id is the event's. */
export function triggerCall(target: TriggerTarget, event: TriggerEvent): InvocationRequestInput {
  return {
    callId: `${event.source}-${target.namespace}-${target.name}-${event.id}`,
    namespace: target.namespace,
    function: target.name,
    source: event.source,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...event.headers },
    body: event.body.toString('base64'),
    enqueuedAt: new Date().toISOString(),
  };
}

/** A message on a kafka trigger's topic as an event: the value is the body, where it came from in the headers. */
export function kafkaTriggerEvent(topic: string, partition: number, message: { key: Buffer | null; value: Buffer | null; offset: string }): TriggerEvent {
  return {
    source: 'kafka',
    id: `${topic}-${partition}-${message.offset}`,
    headers: {
      'x-kafka-topic': topic,
      'x-kafka-partition': String(partition),
      'x-kafka-offset': message.offset,
      ...(message.key && { 'x-kafka-key': message.key.toString('utf8') }),
    },
    body: message.value ?? Buffer.alloc(0),
  };
}

/** A JSON event body (a schedule's data, a commit's files). */
export function jsonEventBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
