import { matchesLabels, parseLabelSelector } from '../../common/client/label-selector.js';
import type { ListWatchSource, WatchEvent, WatchOptions } from '../../common/client/list-watch-source.js';
import type { Kind, ObjectOf } from '../../common/schema/index.js';
import type { ObjectStore } from './object-store.js';

/** Turns the store's callback watch into the async iterable informers consume. */
async function* watchStore<K extends Kind>(store: ObjectStore, kind: K, opts: WatchOptions, signal?: AbortSignal): AsyncGenerator<WatchEvent<ObjectOf<K>>> {
  const pending: WatchEvent<ObjectOf<K>>[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const selector = parseLabelSelector(opts.labelSelector ?? '');
  const watch = await store.watch(
    kind,
    { namespace: opts.namespace, afterRevision: Number(opts.resourceVersion ?? 0) },
    (e) => {
      if (matchesLabels(selector, e.object.metadata.labels)) pending.push({ type: e.type, object: e.object });
      notify();
    },
    (err) => {
      failure = err;
      notify();
    },
  );
  signal?.addEventListener('abort', notify);
  try {
    for (;;) {
      while (pending.length) yield pending.shift()!;
      if (failure) throw failure;
      if (signal?.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    await watch.close();
  }
}

/** The object store as a list/watch source, for informers of controllers running in the control plane. */
export function storeListWatch(store: ObjectStore): ListWatchSource {
  return {
    async list(kind, opts = {}) {
      const selector = parseLabelSelector(opts.labelSelector ?? '');
      const { items, revision } = await store.list(kind, opts.namespace);
      return { items: items.filter((o) => matchesLabels(selector, o.metadata.labels)), resourceVersion: String(revision) };
    },
    watch: (kind, opts, signal) => watchStore(store, kind, opts, signal),
  };
}
