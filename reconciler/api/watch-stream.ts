import type { Response } from 'express';
import type { Kind } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../../common/log/log.js';
import { HttpError } from '../../common/http/http-error.js';
import { type LabelRequirement, matchesLabels } from '../../common/client/label-selector.js';

export interface WatchRequest {
  kind: Kind;
  namespace: string | undefined;
  selector: LabelRequirement[];
  /** Events after this revision; absent or "0" first sends every current object as ADDED. */
  resourceVersion: string | undefined;
}

/**
 * Streams newline-delimited JSON `{type, object}` until the client goes. A failing watch (for example a
 * compacted revision) ends with one `{type: 'ERROR', object: Status}` line, telling the client to list again.
 * Empty lines are heartbeats that keep proxies and idle timers from closing a quiet stream.
 */
export async function streamWatch(res: Response, store: ObjectStore, w: WatchRequest, opts: { heartbeatMs: number; log: Logger }): Promise<void> {
  let afterRevision = Number(w.resourceVersion ?? '0');
  if (!Number.isInteger(afterRevision) || afterRevision < 0)
    throw new HttpError(400, 'BadRequest', `resourceVersion must be a revision number, got "${w.resourceVersion}"`);

  res.status(200).set({ 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  // Events can still arrive while a closed stream's watch is being cancelled; writing then would be an error.
  const open = () => !res.writableEnded && !res.destroyed;
  const send = (line: object) => open() && res.write(JSON.stringify(line) + '\n');
  const fail = (err: Error) => {
    opts.log.warn({ err, kind: w.kind }, 'watch failed');
    send({ type: 'ERROR', object: new HttpError(410, 'Gone', `watch from revision ${afterRevision} ended: ${err.message}; list again`).toStatus() });
    if (open()) res.end();
  };

  if (afterRevision === 0) {
    const { items, revision } = await store.list(w.kind, w.namespace);
    for (const object of items) if (matchesLabels(w.selector, object.metadata.labels)) send({ type: 'ADDED', object });
    afterRevision = revision;
  }
  if (res.closed) return;

  let watch: Awaited<ReturnType<ObjectStore['watch']>>;
  try {
    watch = await store.watch(
      w.kind,
      { namespace: w.namespace, afterRevision },
      (e) => {
        if (matchesLabels(w.selector, e.object.metadata.labels)) send({ type: e.type, object: e.object });
      },
      fail,
    );
  } catch (err) {
    // etcd refuses a watch from a compacted revision; the headers are sent, so say it in the stream.
    return fail(err as Error);
  }
  const heartbeat = setInterval(() => open() && res.write('\n'), opts.heartbeatMs);
  const stop = () => {
    clearInterval(heartbeat);
    void watch.close();
  };
  if (res.closed) stop();
  else res.once('close', stop);
}
