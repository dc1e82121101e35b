import type { ExecutionContext } from 'ava';
import type { ApiClient } from '../../common/client/api-client.js';
import { Informer } from '../../common/client/informer.js';
import type { Kind, ObjectOf, Pod } from '../../common/schema/index.js';
import { isPodActive, isPodReady } from '../../reconciler/workloads/pod-availability.js';

/**
 * Plays the node agents' part in control-plane tests: a pod bound to a node is reported Running and
 * Ready with an address through the API, as an agent does once its containers run — unless `admit` holds it back.
 */
export async function startAgentDouble(t: ExecutionContext, client: ApiClient, admit: (pod: Pod) => boolean = () => true) {
  const pods = new Informer(client, 'Pod');
  let gate = admit;
  let lastIP = 0;
  const report = (pod: Pod) => {
    if (!pod.spec.nodeName || !isPodActive(pod) || isPodReady(pod) || !gate(pod)) return;
    const now = new Date().toISOString();
    lastIP++;
    const podIP = `10.244.${lastIP >> 8}.${lastIP & 255}`;
    const status = { phase: 'Running', podIP, startTime: now, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
    // The pod may be gone already (scaled down): nothing to report then.
    void client.updateStatus({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }, status).catch(() => undefined);
  };
  pods.onChange((e) => e.type !== 'DELETED' && report(e.object));
  await pods.start();
  t.teardown(() => pods.stop());
  return {
    /** Changes which pods become ready; pods held back so far are looked at again. */
    admit(next: (pod: Pod) => boolean) {
      gate = next;
      for (const p of pods.list()) report(p);
    },
  };
}

/**
 * Follows the objects of `kind` in the default namespace through a watch and keeps the lowest and highest
 * value `measure` took: every state etcd went through, in order, not samples.
 */
export async function trackExtremes<K extends Kind>(t: ExecutionContext, client: ApiClient, kind: K, measure: (items: ObjectOf<K>[]) => number) {
  const list = await client.list(kind, { namespace: 'default' });
  const current = new Map(list.items.map((o) => [o.metadata.name, o]));
  const value = () => measure([...current.values()]);
  const extremes = { min: value(), max: value() };
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  void (async () => {
    for await (const e of client.watch(kind, { namespace: 'default', resourceVersion: list.resourceVersion }, abort.signal)) {
      if (e.type === 'DELETED') current.delete(e.object.metadata.name);
      else current.set(e.object.metadata.name, e.object);
      extremes.min = Math.min(extremes.min, value());
      extremes.max = Math.max(extremes.max, value());
    }
  })().catch(() => undefined);
  return extremes;
}

/** Waits on the API's watch until the objects of `kind` in `namespace` (by name) satisfy `predicate`. */
export async function waitFor<K extends Kind>(
  client: ApiClient,
  kind: K,
  predicate: (items: Map<string, ObjectOf<K>>) => boolean,
  timeoutMs = 30_000,
  namespace = 'default',
): Promise<Map<string, ObjectOf<K>>> {
  const signal = AbortSignal.timeout(timeoutMs);
  const list = await client.list(kind, { namespace });
  const items = new Map(list.items.map((o) => [o.metadata.name, o]));
  if (predicate(items)) return items;
  for await (const e of client.watch(kind, { namespace, resourceVersion: list.resourceVersion }, signal)) {
    if (e.type === 'DELETED') items.delete(e.object.metadata.name);
    else items.set(e.object.metadata.name, e.object);
    if (predicate(items)) return items;
  }
  throw new Error(`${kind}s never reached the expected state: ${[...items.keys()].join(', ')}`);
}
