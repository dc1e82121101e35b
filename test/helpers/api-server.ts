import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import { createApiApp } from '../../reconciler/api/api-server.js';
import { ApiClient } from '../../common/client/api-client.js';
import type { KV } from '../../reconciler/store/kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { testEtcdKV } from './etcd.js';

export const TEST_TOKEN = 'test-cluster-token-0123456789';
export const TEST_JOIN_TOKEN = 'test-join-token-0123456789';

/** The real API app on 127.0.0.1 with a real etcd under a fresh prefix; closed when the test ends. */
export async function startTestApi(t: ExecutionContext, opts: { bookmarkMs?: number; kv?: KV } = {}) {
  const kv = opts.kv ?? testEtcdKV(t);
  const store = new ObjectStore(kv);
  const app = createApiApp({ store, tokens: [TEST_TOKEN, TEST_JOIN_TOKEN], ...(opts.bookmarkMs !== undefined && { bookmarkMs: opts.bookmarkMs }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  t.teardown(async () => {
    // Watch streams stay open until their clients go; end them so close() can finish.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, kv, store, client: new ApiClient({ baseUrl: url, token: TEST_TOKEN }) };
}
