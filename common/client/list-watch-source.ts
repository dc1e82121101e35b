import type { Kind, ObjectOf } from '../schema/index.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change seen by a watch; `object.metadata.resourceVersion` is the revision to resume after. */
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface ObjectList<T> {
  items: T[];
  /** The revision the list was read at: watch from here to miss nothing. */
  resourceVersion: string;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
}

export interface WatchOptions extends ListOptions {
  /** Events after this revision; absent, every current object arrives first as ADDED. */
  resourceVersion?: string | undefined;
}

/**
 * What an informer needs: list, then watch from the list's revision. The API client serves it over
 * HTTP (node agents); an adapter serves it from the object store (controllers in the control plane).
 * A watch ends when `signal` aborts; it throws when the server ends it with an error.
 */
export interface ListWatchSource {
  list<K extends Kind>(kind: K, opts?: ListOptions): Promise<ObjectList<ObjectOf<K>>>;
  watch<K extends Kind>(kind: K, opts: WatchOptions, signal?: AbortSignal): AsyncIterable<WatchEvent<ObjectOf<K>>>;
}
