import { type EventSource, type EventType, type InvolvedObject, newEvent, type RecordEvent } from '../../common/client/new-event.js';
import { type ApiObject, type Event, refOf } from '../../common/schema/index.js';
import { type ObjectStore, objectKey } from '../store/object-store.js';

/** Events are history, not state: they expire an hour after their last occurrence. */
export const EVENT_TTL_SECONDS = 3600;

/**
 * Stores an event with a TTL, aggregating repeats: when an event of the same name exists, its
 * count goes up and lastTimestamp moves on. Two concurrent repeats may count once; events are advisory.
 */
export async function saveEvent(store: ObjectStore, event: Event, ttlSeconds = EVENT_TTL_SECONDS): Promise<Event> {
  const existing = await store.get({ kind: 'Event', namespace: event.metadata.namespace, name: event.metadata.name });
  const { resourceVersion: _rv, ...metadata } = existing?.metadata ?? event.metadata;
  const stored: Event = {
    ...event,
    metadata: { ...metadata, uid: metadata.uid ?? crypto.randomUUID(), creationTimestamp: metadata.creationTimestamp ?? new Date().toISOString() },
    count: existing ? existing.count + event.count : event.count,
    firstTimestamp: existing?.firstTimestamp ?? event.firstTimestamp,
  };
  const revision = await store.kv.putWithTtl(objectKey(refOf(stored)), JSON.stringify(stored), ttlSeconds);
  return { ...stored, metadata: { ...stored.metadata, resourceVersion: String(revision) } };
}

/** Records that something happened to an object, for `mkctl describe` and `mkctl get events`. */
export function recordEvent(
  store: ObjectStore,
  involvedObject: ApiObject | InvolvedObject,
  type: EventType,
  reason: string,
  message: string,
  source: EventSource,
): Promise<Event> {
  return saveEvent(store, newEvent(involvedObject, type, reason, message, source));
}

/** `recordEvent` on this store, for what takes a RecordEvent (controllers report terminal errors through it). */
export function storeEventRecorder(store: ObjectStore): RecordEvent {
  return (about, type, reason, message, source) => recordEvent(store, about, type, reason, message, source);
}
