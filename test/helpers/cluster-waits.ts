import type { ApiClient } from '../../common/client/api-client.js';
import type { Event, Kind, Node, ObjectOf, Pod } from '../../common/schema/index.js';

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

/** Waits on the API's watch (not a sleep) until the pod satisfies `predicate`. */
export async function waitForPod(client: ApiClient, name: string, predicate: (p: Pod) => boolean, timeoutMs = 20_000): Promise<Pod> {
  return (await waitForObject(client, 'Pod', name, (p) => p !== undefined && predicate(p), { timeoutMs }))!;
}

/** Registers a Node through the API as an agent does, with a fresh Ready heartbeat. */
export async function registerReadyNode(client: ApiClient, node: Node): Promise<void> {
  const { status, ...rest } = node;
  await client.create<Node>({ ...rest, spec: { ...rest.spec, unschedulable: undefined } });
  await client.updateStatus(
    { kind: 'Node', name: node.metadata.name },
    { ...status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] },
  );
}

/** Waits on the API's watch until an event with `reason` whose message matches appears. */
export async function waitForEvent(client: ApiClient, reason: string, message: RegExp, timeoutMs = 20_000): Promise<Event> {
  const signal = AbortSignal.timeout(timeoutMs);
  const matches = (e: Event) => e.reason === reason && message.test(e.message);
  const list = await client.list('Event', { namespace: 'default' });
  const found = list.items.find(matches);
  if (found) return found;
  for await (const e of client.watch('Event', { namespace: 'default', resourceVersion: list.resourceVersion }, signal)) if (matches(e.object)) return e.object;
  throw new Error(`no ${reason} event matching ${message}`);
}
