import { createHash } from 'node:crypto';
import { type ApiObject, type Event, resourceTypes } from '../schema/index.js';

/** What an event is about: an object, or just enough of one to name it. */
export type InvolvedObject = Event['involvedObject'];
export type EventType = Event['type'];
export type EventSource = NonNullable<Event['source']>;

/** Records an event: the API client's `recordEvent`, or the store's in the control plane. */
export type RecordEvent = (about: ApiObject | InvolvedObject, type: EventType, reason: string, message: string, source: EventSource) => Promise<Event>;

export function involvedObjectOf(o: ApiObject | InvolvedObject): InvolvedObject {
  if (!('metadata' in o)) return o;
  return { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid };
}

/**
 * A new Event (count 1). Its name is derived from what it says, so the same thing reported again
 * lands on the same object and is aggregated (count, lastTimestamp) instead of piling up.
 */
export function newEvent(about: ApiObject | InvolvedObject, type: EventType, reason: string, message: string, source: EventSource, now = new Date()): Event {
  const involvedObject = involvedObjectOf(about);
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        involvedObject.kind,
        involvedObject.namespace,
        involvedObject.name,
        involvedObject.uid,
        type,
        reason,
        message,
        source.component,
        source.host,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  const namespaced = involvedObject.kind in resourceTypes && resourceTypes[involvedObject.kind as keyof typeof resourceTypes].namespaced;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    // Events about cluster-scoped objects (nodes) live in "default", as in Kubernetes.
    metadata: { name: `${involvedObject.name}.${digest}`, namespace: namespaced ? (involvedObject.namespace ?? 'default') : 'default' },
    involvedObject,
    type,
    reason,
    message,
    source,
    count: 1,
    firstTimestamp: now.toISOString(),
    lastTimestamp: now.toISOString(),
  };
}
