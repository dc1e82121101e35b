import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
/** The registry's read-only side that nodes pull from (the harness sets it when Docker tests run). */
const REGISTRY = process.env.MINIK8S_REGISTRY;
/** Its push side: loopback on the host only. */
const PUSH = '127.0.0.1:5001';
const NETNS = process.env.MINIK8S_TEST_NODE_NETNS;
const withRegistry = REGISTRY && NETNS ? test : test.skip;

const status = async (url: string, init: RequestInit = {}) => (await fetch(url, init)).status;
const tags = async () => (await (await fetch(`http://${REGISTRY}/v2/library/busybox/tags/list`)).json()) as { tags: string[] };

withRegistry('the registry nodes and pods reach serves pulls and refuses pushes and deletes', async (t) => {
  const before = await tags();
  t.is(
    await status(`http://${REGISTRY}/v2/library/busybox/manifests/latest`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    }),
    200,
  );
  t.is(await status(`http://${REGISTRY}/v2/library/busybox/blobs/uploads/`, { method: 'POST' }), 405);
  const digest = `sha256:${'0'.repeat(64)}`;
  t.is(await status(`http://${REGISTRY}/v2/library/busybox/manifests/${digest}`, { method: 'DELETE' }), 405);
  t.deepEqual(await tags(), before);
});

withRegistry('the push side wants the credential, and no node namespace can reach it', async (t) => {
  t.is(await status(`http://${PUSH}/v2/library/busybox/blobs/uploads/`, { method: 'POST' }), 401);
  t.is(
    await status(`http://${PUSH}/v2/library/busybox/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('minik8s:guess').toString('base64')}` },
    }),
    401,
  );
  // Loopback is the host's own: from a node's namespace (and so from its pods) there is nothing there.
  const fromNode = await run('nsenter', [`--net=${NETNS}`, 'curl', '-s', '-m', '3', '-o', '/dev/null', '-w', '%{http_code}', `http://${PUSH}/v2/`]).catch(
    (err: { code: number }) => err,
  );
  t.is((fromNode as { code: number }).code, 7, 'curl: could not connect');
});
