import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { EtcdKV } from '../../reconciler/store/etcd-kv.js';
import { testEtcdTls } from './pki.js';

/** The etcd the test harness starts (test/harness/test-env.sh, TLS with client certificates); override with MINIK8S_TEST_ETCD. */
export const TEST_ETCD = process.env.MINIK8S_TEST_ETCD ?? 'https://127.0.0.1:23790';

export function uniquePrefix(): string {
  return `/test-${randomBytes(6).toString('hex')}`;
}

/** A KV on the real test etcd under a prefix of its own, closed when the test ends. */
export function testEtcdKV(t: ExecutionContext, prefix = uniquePrefix()): EtcdKV {
  const kv = new EtcdKV([TEST_ETCD], prefix, testEtcdTls());
  t.teardown(() => kv.close());
  return kv;
}
