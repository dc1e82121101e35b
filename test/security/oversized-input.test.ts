import test from 'ava';
import { ApiError } from '../../common/client/api-client.js';
import { runGit } from '../../reconciler/git/run-git.js';
import { MAX_FILE_BYTES, MAX_OBJECT_BYTES } from '../../reconciler/store/size-limits.js';
import { isStoreError } from '../../reconciler/store/store-error.js';
import { startTestApi } from '../helpers/api-server.js';
import { testEtcdKV } from '../helpers/etcd.js';
import { makeNode, makePod } from '../helpers/fixtures.js';
import { cloneRepo, commitAndPush, type GitCluster, podYaml, startGitCluster } from '../sync/git-cluster.js';

/** A pod manifest whose one env value makes it about `bytes` long. */
const bigPodYaml = (name: string, bytes: number) => `${podYaml(name)}      env:\n        - name: PADDING\n          value: "${'x'.repeat(bytes)}"\n`;

/** The pods, their UIDs and the branch history: what a refused push must leave as it was. */
async function snapshot(c: GitCluster) {
  const { items } = await c.store.list('Pod');
  return {
    pods: items.map((p) => `${p.metadata.name}:${p.metadata.uid}:${p.metadata.resourceVersion}`).sort(),
    log: await runGit(['--git-dir', c.sync.controller.source.gitdir, 'log', '--format=%H', 'main']),
  };
}

async function clusterWithOnePod(t: Parameters<typeof startGitCluster>[0]) {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') });
  if (!first.ok) throw new Error(first.output);
  await c.sync.controller.waitForResult(first.revision, 5000);
  return { c, dir, before: await snapshot(c) };
}

test('a push with a file over the file limit is refused naming the file, and nothing changes', async (t) => {
  const { c, dir, before } = await clusterWithOnePod(t);
  const push = await commitAndPush(dir, { 'apps/huge.yaml': bigPodYaml('huge', MAX_FILE_BYTES + 1024) });
  t.false(push.ok);
  t.regex(push.output, /apps\/huge\.yaml:1: file is 2\.0 MiB, over the limit of 2\.0 MiB per manifest file/);
  await c.sync.controller.whenIdle();
  t.deepEqual(await snapshot(c), before);
});

test('a push with an object over the object limit is refused naming file and object, and nothing changes', async (t) => {
  const { c, dir, before } = await clusterWithOnePod(t);
  const push = await commitAndPush(dir, { 'apps/big.yaml': bigPodYaml('big', MAX_OBJECT_BYTES + 1024) });
  t.false(push.ok);
  t.regex(push.output, /apps\/big\.yaml:1: Pod\/default\/big is 1\.0 MiB, over the limit of 1\.0 MiB per object/);
  t.deepEqual(await snapshot(c), before);
});

test('a YAML alias bomb is refused with its file and line, not a server error', async (t) => {
  const { c, dir, before } = await clusterWithOnePod(t);
  const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`);
  const bomb = `${podYaml('bomb')}---\nl0: &l0 "lol"\n${levels.join('\n')}\n`;
  const push = await commitAndPush(dir, { 'apps/bomb.yaml': bomb });
  t.false(push.ok);
  t.regex(push.output, /apps\/bomb\.yaml:10: cannot expand the document: .*alias/i);
  t.deepEqual(await snapshot(c), before);
});

test('an API body over the limit gets 413 as a Kubernetes Status, an object over the object limit too', async (t) => {
  const { url, client, store } = await startTestApi(t);
  const res = await fetch(`${url}/api/v1/namespaces/default/pods`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-cluster-token-0123456789', 'content-type': 'application/json' },
    body: JSON.stringify({ ...makePod('huge'), padding: 'x'.repeat(3 * 1024 * 1024) }),
  });
  t.is(res.status, 413);
  t.like(await res.json(), { kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
  // Under the body limit, over the object limit: refused by the store, before etcd sees it.
  const big = makeNode('big');
  big.metadata.annotations = { padding: 'x'.repeat(MAX_OBJECT_BYTES + 1) };
  const err = await t.throwsAsync(client.create(big), { instanceOf: ApiError });
  t.is(err.status, 413, err.message);
  t.regex(err.message, /Node\/big is 1\.0 MiB, over the limit of 1\.0 MiB per object/);
  t.is((await store.list('Node')).items.length, 0);
});

test('writes etcd refuses as too large are terminal and never open the client breaker for other calls', async (t) => {
  const kv = testEtcdKV(t);
  await kv.commit([{ type: 'put', key: '/small', value: 'ok' }]);
  for (let i = 0; i < 5; i++) {
    const err = await t.throwsAsync(kv.commit([{ type: 'put', key: `/huge-${i}`, value: 'x'.repeat(2 * 1024 * 1024) }]));
    t.true(isStoreError(err, 'TooLarge'), err?.message);
  }
  const started = Date.now();
  t.is((await kv.get('/small'))?.value, 'ok');
  t.true(Date.now() - started < 1000);
});
