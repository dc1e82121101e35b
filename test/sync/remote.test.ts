import test from 'ava';
import { cloneRepo, commitAndPush, podYaml, servePlainRepo, startGitCluster } from './git-cluster.js';

const ref = (name: string) => ({ kind: 'Pod' as const, namespace: 'default', name });

test('following a remote, a broken commit keeps the last good objects while valid files apply', async (t) => {
  const upstream = await servePlainRepo(t);
  const dir = await cloneRepo(t, upstream.pushUrl);
  const good = await commitAndPush(dir, { 'a.yaml': podYaml('a'), 'b.yaml': podYaml('b') });
  if (!good.ok) return t.fail(good.output);

  // The upstream is served by the Git router, whose reads need the credential too: it rides in the URL.
  const c = await startGitCluster(t, { remote: { url: upstream.pushUrl, branch: 'main', intervalSeconds: 3600 } });
  t.like(await c.sync.controller.waitForResult(good.revision, 5000), { reason: 'Succeeded', counts: { created: 2 } });
  const a = await c.store.get(ref('a'));

  const broken = await commitAndPush(dir, {
    'a.yaml': podYaml('a', 'nginx').replace('kind: Pod', 'kind: [Pod'),
    'b.yaml': podYaml('b', 'nginx:1'),
    'c.yaml': podYaml('c'),
  });
  if (!broken.ok) return t.fail(broken.output);
  const hook = await fetch(`${c.apiUrl}/minik8s/v1/webhook`, { method: 'POST', headers: { authorization: `Bearer ${c.token}` } });
  t.is(hook.status, 202);
  const result = await c.sync.controller.waitForResult(broken.revision, 5000);
  t.like(result, { reason: 'ValidationFailed', counts: { created: 1, configured: 1, pruned: 0 } });
  t.is(result?.errors[0]?.file, 'a.yaml');
  t.is(typeof result?.errors[0]?.line, 'number');
  t.is((await c.store.get(ref('a')))?.metadata.resourceVersion, a?.metadata.resourceVersion);
  t.is((await c.store.get(ref('b')))?.spec.containers[0]?.image, 'nginx:1');
  t.truthy(await c.store.get(ref('c')));
  const status = await (await fetch(`${c.apiUrl}/minik8s/v1/sync`, { headers: { authorization: `Bearer ${c.token}` } })).json();
  t.like(status, { status: { lastAppliedRevision: good.revision, lastAttemptedRevision: broken.revision, source: { type: 'remote' } } });

  const fixed = await commitAndPush(dir, { 'a.yaml': null });
  if (!fixed.ok) return t.fail(fixed.output);
  c.sync.controller.trigger();
  t.like(await c.sync.controller.waitForResult(fixed.revision, 5000), { reason: 'Succeeded', counts: { pruned: 1 } });
  t.is(await c.store.get(ref('a')), undefined);
});
