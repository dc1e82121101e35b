import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import type { ExecutionContext } from 'ava';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import { componentTokenPath } from '../../reconciler/auth/component-token-files.js';
import { waitForObject } from './cluster-waits.js';
import { testSecurityConfig } from './pki.js';
import type { TestCluster } from './test-cluster.js';

const GATEWAY_MAIN = new URL('../../gateway/main.ts', import.meta.url).pathname;

/**
 * The gateway as npm start runs it: its own process in the first node's namespace, on that node's IP (port 80).
 * Resolves once its Endpoints name it; `kill` ends it as a crash would (SIGKILL) or as a stop does.
 */
export async function startGatewayProcess(
  t: ExecutionContext,
  cluster: TestCluster,
  extraArgs: string[] = [],
): Promise<{ kill: (signal?: NodeJS.Signals) => Promise<void> }> {
  const node = cluster.nodes[0]!;
  const args = [
    '--import',
    'tsx',
    GATEWAY_MAIN,
    '--api-url',
    `https://10.100.0.1:${new URL(cluster.cp.url).port}`,
    '--ca-file',
    testSecurityConfig().caFile,
    // Its own scoped token, which the control plane wrote into its home (beside cluster.json).
    '--token-file',
    componentTokenPath(dirname(cluster.configPath), 'gateway'),
    '--address',
    node.ip,
    ...extraArgs,
  ];
  const child = spawn('nsenter', [`--net=${node.netns}`, process.execPath, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  // Registered after the cluster's teardown, so it runs first: the gateway withdraws its endpoints while the API answers.
  t.teardown(async () => {
    if (running()) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    if (!t.passed)
      t.log(
        log
          .split('\n')
          .filter((l) => !l.includes('"level":30'))
          .slice(-30)
          .join('\n'),
      );
  });
  await waitForObject(cluster.client, 'Endpoints', GATEWAY_SERVICE.name, (e) => e?.subsets[0]?.addresses[0]?.ip === node.ip, {
    namespace: GATEWAY_SERVICE.namespace,
    timeoutMs: 30_000,
  });
  return {
    async kill(signal = 'SIGKILL') {
      if (!running()) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}
