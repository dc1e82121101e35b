import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import { ApiClient } from '../../common/client/api-client.js';
import { createApiApp } from '../../reconciler/api/api-server.js';
import { type Authenticator, clusterAuthenticator } from '../../reconciler/auth/authenticate.js';
import { scopedToken } from '../../reconciler/auth/scoped-tokens.js';
import type { KV } from '../../reconciler/store/kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { testEtcdKV } from './etcd.js';
import { testCa, testSecurityConfig } from './pki.js';

export const TEST_TOKEN = 'test-cluster-token-0123456789';
export const TEST_JOIN_TOKEN = 'test-join-token-0123456789';

/** Admin TEST_TOKEN, bootstrap TEST_JOIN_TOKEN, and node and component tokens from the test key (testNodeToken). */
export function testAuthenticator(): Authenticator {
  return clusterAuthenticator({ adminToken: TEST_TOKEN, bootstrapToken: TEST_JOIN_TOKEN, tokenKey: testSecurityConfig().tokenKey });
}

/** A node's own token, as it gets one at join. */
export function testNodeToken(nodeName: string): string {
  return scopedToken(testSecurityConfig().tokenKey, 'node', nodeName);
}

/** The real API app on https://127.0.0.1 (the test certificates) with a real etcd under a fresh prefix; closed when the test ends. */
export async function startTestApi(t: ExecutionContext, opts: { bookmarkMs?: number; kv?: KV } = {}) {
  const kv = opts.kv ?? testEtcdKV(t);
  const store = new ObjectStore(kv);
  const app = createApiApp({ store, authenticator: testAuthenticator(), ...(opts.bookmarkMs !== undefined && { bookmarkMs: opts.bookmarkMs }) });
  const { tls } = testSecurityConfig();
  const server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  t.teardown(async () => {
    // Watch streams stay open until their clients go; end them so close() can finish.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, kv, store, client: new ApiClient({ baseUrl: url, token: TEST_TOKEN, ca: testCa() }) };
}
