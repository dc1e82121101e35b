import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { ApiClient } from '../../common/client/api-client.js';
import { type ClusterConfig, writeClusterConfig } from '../../common/config/cluster-config.js';
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from '../../reconciler/control-plane.js';
import { TEST_ETCD, uniquePrefix } from './etcd.js';
import { testCa, testSecurityConfig } from './pki.js';

/** A whole control plane in-process: real etcd (own prefix), real HTTP, real Git; stopped when the test ends. */
export async function startTestControlPlane(
  t: ExecutionContext,
  { listenHost = '127.0.0.1', clusterConfig, ...opts }: Partial<ControlPlaneOptions> & { listenHost?: string; clusterConfig?: Partial<ClusterConfig> } = {},
) {
  const home = await mkdtemp(join(tmpdir(), 'minik8s-cp-'));
  const token = randomBytes(16).toString('hex');
  const config: ClusterConfig = {
    apiUrl: 'https://127.0.0.1:0',
    gitUrl: 'https://127.0.0.1:0/git/cluster.git',
    token,
    joinToken: randomBytes(16).toString('hex'),
    metricsToken: randomBytes(16).toString('hex'),
    ...testSecurityConfig(),
    etcdEndpoints: [TEST_ETCD],
    etcdPrefix: uniquePrefix(),
    listen: { host: listenHost, port: 0 },
    ...clusterConfig,
  };
  let cp: ControlPlane | undefined = await startControlPlane({ config, home, ...opts });
  const port = Number(new URL(cp.url).port);
  // What mkctl reads: the real port, now that the server listens.
  const configPath = join(home, 'cluster.json');
  await writeClusterConfig({ ...config, apiUrl: cp.url, gitUrl: `${cp.url}/git/cluster.git` }, configPath);
  t.teardown(async () => {
    await cp?.stop();
    await rm(home, { recursive: true, force: true });
  });
  const gitUrl = `${cp.url}/git/cluster.git`;
  return {
    /** The control plane running now (a new one after `restartControlPlane`). */
    get cp(): ControlPlane {
      if (!cp) throw new Error('the control plane is stopped');
      return cp;
    },
    /** Stops the control plane (API, Git, controllers) as a crash would leave it: etcd keeps the state. */
    async stopControlPlane(): Promise<void> {
      await cp?.stop();
      cp = undefined;
    },
    /** Starts it again on the same port, etcd prefix and repository. */
    async startControlPlane(): Promise<void> {
      cp ??= await startControlPlane({ config: { ...config, listen: { host: listenHost, port } }, home, ...opts });
    },
    config,
    configPath,
    gitUrl,
    pushUrl: gitUrl.replace('https://', `https://minik8s:${token}@`),
    client: new ApiClient({ baseUrl: cp.url, token, ca: testCa() }),
  };
}
