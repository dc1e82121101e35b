import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { BOOTSTRAP_PATH } from '../../common/auth/node-bootstrap.js';
import type { Pod } from '../../common/schema/index.js';
import { credentialsPath, nodeCredentials } from '../../node-agent/node/node-credentials.js';
import { componentTokenPath } from '../../reconciler/auth/component-token-files.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makePod } from '../helpers/fixtures.js';
import { testCa } from '../helpers/pki.js';

/** One request with a bearer token; the answer's status and JSON body. */
async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as { kind?: string; reason?: string; message?: string; code?: number; token?: string } };
}

/** A control plane with pod `mine` bound to node-a and `theirs` bound to node-b, and node-a's own token. */
async function clusterWithTwoNodesPods(t: ExecutionContext) {
  const c = await startTestControlPlane(t);
  const url = c.cp.url;
  const bound = (name: string, nodeName: string): Pod => {
    const pod = makePod(name);
    return { ...pod, spec: { ...pod.spec, nodeName } };
  };
  const mine = await c.cp.store.create(bound('mine', 'node-a'));
  const theirs = await c.cp.store.create(bound('theirs', 'node-b'));
  const joined = await call(url, c.config.joinToken, 'POST', BOOTSTRAP_PATH, { nodeName: 'node-a' });
  t.is(joined.status, 201);
  return { c, url, mine, theirs, nodeToken: joined.body.token! };
}

const forbidden = (t: ExecutionContext, r: Awaited<ReturnType<typeof call>>, what: string) =>
  t.like(r, { status: 403, body: { kind: 'Status', reason: 'Forbidden', code: 403 } }, `${what}: ${JSON.stringify(r.body)}`);

test('the bootstrap token only joins a node: it reads nothing and creates nothing', async (t) => {
  const c = await startTestControlPlane(t);
  forbidden(t, await call(c.cp.url, c.config.joinToken, 'GET', '/api/v1/pods'), 'list pods');
  forbidden(
    t,
    await call(c.cp.url, c.config.joinToken, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'rogue' }, spec: {} }),
    'create a node',
  );
  t.is(await c.cp.store.get({ kind: 'Node', name: 'rogue' }), undefined);
  t.is((await call(c.cp.url, c.config.joinToken, 'POST', BOOTSTRAP_PATH, { nodeName: 'Bad_Name' })).status, 400);
});

test("a node token may not write another node's pod status, nor any spec, nor delete", async (t) => {
  const { c, url, mine, theirs, nodeToken } = await clusterWithTwoNodesPods(t);
  forbidden(
    t,
    await call(url, nodeToken, 'PUT', '/api/v1/namespaces/default/pods/theirs/status', { status: { phase: 'Succeeded' } }),
    "other node's pod status",
  );
  forbidden(t, await call(url, nodeToken, 'PUT', '/api/v1/namespaces/default/pods/mine', { ...mine, spec: { ...mine.spec, containers: [] } }), 'spec write');
  forbidden(t, await call(url, nodeToken, 'DELETE', '/api/v1/namespaces/default/pods/mine'), 'delete');
  forbidden(
    t,
    await call(url, nodeToken, 'POST', '/api/v1/namespaces/default/endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [] }),
    'create endpoints',
  );
  forbidden(t, await call(url, nodeToken, 'POST', '/minik8s/v1/rollback', { revision: 'HEAD~1' }), 'rollback');
  // Nothing changed: the same versions as before.
  t.is((await c.cp.store.get({ kind: 'Pod', namespace: 'default', name: 'theirs' }))?.metadata.resourceVersion, theirs.metadata.resourceVersion);
  t.is((await c.cp.store.get({ kind: 'Pod', namespace: 'default', name: 'mine' }))?.metadata.resourceVersion, mine.metadata.resourceVersion);
  t.is(await c.cp.store.get({ kind: 'Endpoints', namespace: 'default', name: 'web' }), undefined);
  // What it may do: its own pod's status.
  t.is((await call(url, nodeToken, 'PUT', '/api/v1/namespaces/default/pods/mine/status', { status: { phase: 'Pending' } })).status, 200);
});

test('a node token gets no exec, no logs and no eviction, even of its own pods', async (t) => {
  const { url, nodeToken } = await clusterWithTwoNodesPods(t);
  forbidden(t, await call(url, nodeToken, 'POST', '/api/v1/namespaces/default/pods/mine/exec', { command: ['cat', '/etc/shadow'] }), 'exec');
  forbidden(t, await call(url, nodeToken, 'GET', '/api/v1/namespaces/default/pods/theirs/log'), 'logs');
  forbidden(t, await call(url, nodeToken, 'POST', '/api/v1/namespaces/default/pods/theirs/eviction', {}), 'eviction');
});

test('the agent keeps its credentials at mode 0600 and reuses them instead of the bootstrap token', async (t) => {
  const c = await startTestControlPlane(t);
  const stateDir = dirname(c.configPath);
  const opts = { apiUrl: c.cp.url, ca: testCa(), nodeName: 'node-c', bootstrapToken: c.config.joinToken, stateDir };
  const first = await nodeCredentials(opts);
  t.is((await stat(credentialsPath(stateDir))).mode & 0o777, 0o600);
  // A restart: the bootstrap token could even be gone from the config by now.
  t.deepEqual(await nodeCredentials({ ...opts, bootstrapToken: 'no-longer-valid-token' }), first);
  t.is((await call(c.cp.url, first.token, 'GET', '/api/v1/nodes')).status, 200);
  t.is((await stat(c.configPath)).mode & 0o777, 0o600, 'cluster.json');
});

test("the gateway's token reads what it routes by and writes only the gateway's Endpoints", async (t) => {
  const c = await startTestControlPlane(t);
  const file = componentTokenPath(dirname(c.configPath), 'gateway');
  t.is((await stat(file)).mode & 0o777, 0o600);
  const token = (await readFile(file, 'utf8')).trim();
  t.is((await call(c.cp.url, token, 'GET', '/apis/minik8s.io/v1/dns')).status, 200);
  forbidden(t, await call(c.cp.url, token, 'GET', '/api/v1/nodes'), 'nodes');
  forbidden(
    t,
    await call(c.cp.url, token, 'POST', '/api/v1/namespaces/default/endpoints', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web' },
      subsets: [],
    }),
    'other endpoints',
  );
  const own = { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'minik8s-system', name: 'gateway' }, subsets: [] };
  t.is((await call(c.cp.url, token, 'POST', '/api/v1/namespaces/minik8s-system/endpoints', own)).status, 201);
});
