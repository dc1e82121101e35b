import test from 'ava';
import type { KV, KVOp } from '../../reconciler/store/kv.js';
import { cloneRepo, commitAndPush, podYaml, startGitCluster } from '../sync/git-cluster.js';

/** The real etcd KV, except that transactions deleting something fail while armed (`failures` times), as an etcd hiccup would. */
function failFirstDelete(kv: KV) {
  const fault = { failures: 0, failedAt: 0 };
  const wrapped: KV = {
    get: (key) => kv.get(key),
    list: (prefix) => kv.list(prefix),
    putWithTtl: (key, value, ttl) => kv.putWithTtl(key, value, ttl),
    watch: (prefix, after, onEvent, onError) => kv.watch(prefix, after, onEvent, onError),
    close: () => kv.close(),
    commit: (ops: KVOp[]) => {
      if (fault.failures > 0 && ops.some((op) => op.type === 'delete')) {
        fault.failures--;
        fault.failedAt ||= Date.now();
        return Promise.reject(new Error('etcdserver: request timed out (injected)'));
      }
      return kv.commit(ops);
    },
  };
  return { wrapped, fault };
}

test('a failed prune is recorded at once and retried within seconds, not at the next poll', async (t) => {
  let fault = { failures: 0, failedAt: 0 };
  const c = await startGitCluster(t, {
    wrapKV: (kv) => {
      const f = failFirstDelete(kv);
      fault = f.fault;
      return f.wrapped;
    },
  });
  const dir = await cloneRepo(t, c.pushUrl);
  const added = await commitAndPush(dir, { 'apps/doomed.yaml': podYaml('doomed') });
  if (!added.ok) return t.fail(added.output);
  t.like(await c.sync.controller.waitForResult(added.revision, 5000), { reason: 'Succeeded' });
  const { revision: afterAdd } = await c.store.list('Pod');

  // Two failures: the first run's and the re-run a second trigger of the same push may cause; only
  // the back-off retry can then prune, and it must come within seconds, not at the 5-minute poll.
  fault.failures = 2;
  let resolveDeleted: (at: number) => void = () => undefined;
  const deleted = new Promise<number>((resolve) => (resolveDeleted = resolve));
  const watch = await c.store.watch(
    'Pod',
    { afterRevision: afterAdd },
    (e) => e.type === 'DELETED' && e.object.metadata.name === 'doomed' && resolveDeleted(Date.now()),
  );
  t.teardown(() => watch.close());
  const removed = await commitAndPush(dir, { 'apps/doomed.yaml': null });
  if (!removed.ok) return t.fail(removed.output);
  const first = await c.sync.controller.waitForResult(removed.revision, 5000);
  t.like(first, { reason: 'ApplyFailed', revision: removed.revision });
  t.regex(first?.message ?? '', /injected/);

  const prunedAt = await deleted;
  t.true(prunedAt - fault.failedAt < 5000, `pruned ${prunedAt - fault.failedAt} ms after the failure`);
  await c.sync.controller.whenIdle();
  const status = await c.sync.controller.waitForResult(removed.revision, 0);
  t.like(status, { reason: 'Succeeded', counts: { pruned: 1 } });
});
