import type { ApiClient } from '../../reconciler/client/api-client.js';
import type { Kind, ObjectOf } from '../../reconciler/schema/index.js';

/**
 * Waits on the API's watch (not a sleep) until the named object satisfies `predicate`; `undefined`
 * stands for "absent", so `(o) => !o` waits for a deletion.
 */
export async function waitForObject<K extends Kind>(
  client: ApiClient,
  kind: K,
  name: string,
  predicate: (o: ObjectOf<K> | undefined) => boolean,
  { namespace = 'default', timeoutMs = 10_000 } = {},
): Promise<ObjectOf<K> | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const list = await client.list(kind, { namespace });
  const found = list.items.find((o) => o.metadata.name === name);
  if (predicate(found)) return found;
  for await (const e of client.watch(kind, { namespace, resourceVersion: list.resourceVersion }, signal)) {
    if (e.object.metadata.name !== name) continue;
    const now = e.type === 'DELETED' ? undefined : e.object;
    if (predicate(now)) return now;
  }
  throw new Error(`${kind} ${namespace}/${name} never matched`);
}
