import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterConfig } from '../../common/config/cluster-config.js';

/** The run's certificates, made by npm test (test/harness/test-env.sh, with scripts/lib/pki.sh). */
export function testPkiDir(): string {
  const dir = process.env.MINIK8S_TEST_PKI;
  if (!dir) throw new Error('MINIK8S_TEST_PKI is not set: run the tests through npm test, which makes the test certificates');
  return dir;
}

/** The cluster CA's PEM, for clients of a test control plane. */
export function testCa(): string {
  return readFileSync(join(testPkiDir(), 'ca.crt'), 'utf8');
}

/** The test etcd's client certificate (the control plane's), as cluster.json's etcdTls. */
export function testEtcdTls(): ClusterConfig['etcdTls'] {
  const dir = join(testPkiDir(), 'etcd');
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key') };
}

/** The cluster.json fields a test control plane needs for TLS and scoped tokens. */
export function testSecurityConfig(): Pick<ClusterConfig, 'tokenKey' | 'caFile' | 'tls' | 'etcdTls'> {
  const dir = testPkiDir();
  return {
    tokenKey: 'test-token-key-0123456789abcdef0123456789',
    caFile: join(dir, 'ca.crt'),
    tls: { certFile: join(dir, 'apiserver.crt'), keyFile: join(dir, 'apiserver.key') },
    etcdTls: testEtcdTls(),
  };
}

/** The agent config's serving certificate files for 127.0.0.1 (the test API server's, from the cluster CA): an agent on loopback. */
export function testLoopbackCertFiles(): { tlsCertFile: string; tlsPrivateKeyFile: string } {
  const dir = testPkiDir();
  return { tlsCertFile: join(dir, 'apiserver.crt'), tlsPrivateKeyFile: join(dir, 'apiserver.key') };
}

/** The agent config's serving certificate files of test node `name` (test-1..3, for its IP), as the harness made them. */
export function testNodeCertFiles(name: string): { tlsCertFile: string; tlsPrivateKeyFile: string } {
  const base = join(testPkiDir(), 'nodes', name);
  return { tlsCertFile: `${base}.crt`, tlsPrivateKeyFile: `${base}.key` };
}

/** The PEMs of such a pair, as the agent server takes them. */
export function readTls(files: { tlsCertFile: string; tlsPrivateKeyFile: string }): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.tlsCertFile), key: readFileSync(files.tlsPrivateKeyFile) };
}
