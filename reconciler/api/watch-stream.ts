import type { Response } from 'express';
import { type FieldRequirement, matchesFields } from '../../common/client/field-selector.js';
import { type LabelRequirement, matchesLabels } from '../../common/client/label-selector.js';
import { HttpError } from '../../common/http/http-error.js';
import type { Logger } from '../../common/log/log.js';
import { type ApiObject, type Kind, resourceType } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { buildTable, type IncludeObject } from './table.js';

export interface WatchRequest {
  kind: Kind;
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** Events after this revision; absent or "0" first sends every current object as ADDED (unless `sendInitialEvents` is false). */
  resourceVersion: string | undefined;
  /** Ends the stream after this long; unset, after a random 30 to 60 minutes, as Kubernetes spreads its watches' ends. */
  timeoutSeconds?: number | undefined;
  allowWatchBookmarks: boolean;
  /** true: the current objects as ADDED, then a BOOKMARK marking their end; false: only changes from now. */
  sendInitialEvents?: boolean | undefined;
  /** Each object as a one-row Table (kubectl get -w asks for them), carrying what `includeObject` says. */
  asTable?: IncludeObject | undefined;
}

export interface WatchStreamOptions {
  log: Logger;
  /** How often a watch that allows bookmarks is told the latest revision while nothing changes. */
  bookmarkMs: number;
}

/** Kubernetes' annotation on the BOOKMARK that ends the initial events of a `sendInitialEvents` watch. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * A watch as Kubernetes' API conventions describe it: `application/json`, one `{type, object}` per
 * line, no blank keep-alive lines (clients parse every line), BOOKMARK events when allowed, and an end
 * after `timeoutSeconds` so clients resume from the last revision. A revision newer than the store's
 * is refused before the stream starts (504, "Too large resource version"); one etcd compacted away
 * ends the stream with an ERROR event carrying 410 Expired, telling the client to list again.
 */
export async function streamWatch(res: Response, store: ObjectStore, w: WatchRequest, opts: WatchStreamOptions): Promise<void> {
  const t = resourceType(w.kind);
  const requested = Number(w.resourceVersion ?? '0');
  const initial = w.sendInitialEvents ?? requested === 0;
  const current = await store.list(w.kind, w.namespace);
  if (requested > current.revision)
    throw new HttpError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current.revision}`, {
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });

  // As Kubernetes sends it: client-go chooses the watch decoder by this exact media type.
  res.status(200).setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();
  // Events can still arrive while a closed stream's watch is being cancelled; writing then would be an error.
  const open = () => !res.writableEnded && !res.destroyed;
  const send = (line: object) => open() && res.write(JSON.stringify(line) + '\n');
  const shown = (o: ApiObject) => (w.asTable ? buildTable(w.kind, [o], { include: w.asTable, now: new Date() }) : o);
  const matches = (o: ApiObject) => matchesLabels(w.labels, o.metadata.labels) && matchesFields(w.fields, o);
  let lastRevision = requested === 0 || initial ? current.revision : requested;
  const bookmark = (annotations?: Record<string, string>) =>
    send({
      type: 'BOOKMARK',
      object: { kind: w.kind, apiVersion: t.apiVersion, metadata: { resourceVersion: String(lastRevision), ...(annotations && { annotations }) } },
    });
  const fail = (err: Error) => {
    opts.log.warn({ err, kind: w.kind }, 'watch failed');
    send({
      type: 'ERROR',
      object: new HttpError(410, 'Expired', `too old resource version: ${requested} (watch ended: ${err.message}); list again`).toStatus(),
    });
    if (open()) res.end();
  };

  if (initial) {
    for (const object of current.items) if (matches(object)) send({ type: 'ADDED', object: shown(object) });
    if (w.sendInitialEvents && w.allowWatchBookmarks) bookmark({ [INITIAL_EVENTS_END]: 'true' });
  }
  if (res.closed) return;

  let watch: Awaited<ReturnType<ObjectStore['watch']>>;
  try {
    watch = await store.watch(
      w.kind,
      { namespace: w.namespace, afterRevision: lastRevision },
      (e) => {
        lastRevision = Math.max(lastRevision, e.revision);
        if (matches(e.object)) send({ type: e.type, object: shown(e.object) });
      },
      fail,
    );
  } catch (err) {
    // etcd refuses a watch from a compacted revision; the headers are sent, so say it in the stream.
    return fail(err as Error);
  }
  // 0 means the server's default, as in Kubernetes.
  const timeoutMs = (w.timeoutSeconds || 1800 + Math.floor(Math.random() * 1800)) * 1000;
  const timers = [setTimeout(() => open() && res.end(), timeoutMs), ...(w.allowWatchBookmarks ? [setInterval(() => bookmark(), opts.bookmarkMs)] : [])];
  // The connection keeps the process alive while the watch is open; its timers must not outlive a lost close.
  for (const timer of timers) timer.unref();
  const stop = () => {
    for (const timer of timers) clearTimeout(timer);
    void watch.close();
  };
  if (res.closed) stop();
  else res.once('close', stop);
}
