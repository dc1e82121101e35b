import type { ApiClient } from '../../reconciler/client/api-client.js';
import type { Event, Node, Pod } from '../../reconciler/schema/index.js';

/** Waits on the API's watch (not a sleep) until the pod satisfies `predicate`. */
export async function waitForPod(client: ApiClient, name: string, predicate: (p: Pod) => boolean, timeoutMs = 20_000): Promise<Pod> {
  const signal = AbortSignal.timeout(timeoutMs);
  const list = await client.list('Pod', { namespace: 'default' });
  const found = list.items.find((p) => p.metadata.name === name && predicate(p));
  if (found) return found;
  for await (const e of client.watch('Pod', { namespace: 'default', resourceVersion: list.resourceVersion }, signal))
    if (e.object.metadata.name === name && e.type !== 'DELETED' && predicate(e.object)) return e.object;
  throw new Error(`pod ${name} never matched`);
}

/** Registers a Node through the API as an agent does, with a fresh Ready heartbeat. */
export async function registerReadyNode(client: ApiClient, node: Node): Promise<void> {
  const { status, ...rest } = node;
  await client.create<Node>({ ...rest, spec: { ...rest.spec, unschedulable: undefined } });
  await client.updateStatus({ kind: 'Node', name: node.metadata.name }, { ...status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] });
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
