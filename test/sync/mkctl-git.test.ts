import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { writeClusterConfig } from '../../common/config/cluster-config.js';
import { ClusterClone, PushRejectedError } from '../../mkctl/git/cluster-clone.js';
import { TEST_ETCD } from '../helpers/etcd.js';
import { testSecurityConfig } from '../helpers/pki.js';
import { type GitCluster, podYaml, startGitCluster } from './git-cluster.js';

const web = { kind: 'Pod' as const, namespace: 'default', name: 'web' };

function mkctl(configPath: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/sync/run-mkctl.ts', ...args], {
      env: { ...process.env, MINIK8S_CONFIG: configPath, MINIK8S_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function clusterWithConfig(t: Parameters<typeof startGitCluster>[0]): Promise<{ c: GitCluster; config: string; work: string }> {
  const c = await startGitCluster(t, { seedDir: 'cluster-repo' });
  const work = await mkdtemp(join(tmpdir(), 'mkctl-test-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  const config = join(work, 'cluster.json');
  await writeClusterConfig(
    {
      apiUrl: c.apiUrl,
      gitUrl: c.gitUrl,
      token: c.token,
      joinToken: c.token,
      ...testSecurityConfig(),
      etcdEndpoints: [TEST_ETCD],
      etcdPrefix: '',
      listen: { host: '127.0.0.1', port: 0 },
    },
    config,
  );
  return { c, config, work };
}

test('mkctl apply, delete, sync, history and rollback go through Git', async (t) => {
  const { c, config, work } = await clusterWithConfig(t);
  const file = join(work, 'web.yaml');
  await writeFile(file, podYaml('web'));

  const applied = await mkctl(config, ['apply', '-f', file]);
  t.is(applied.code, 0, applied.stderr);
  t.regex(applied.stdout, /^pod\/web created \(apps\/web\.yaml\)$/m);
  t.regex(applied.stdout, /^synced [0-9a-f]{12}: Succeeded \(1 created, 0 configured, \d+ unchanged, 0 pruned\)$/m);
  const first = /committed ([0-9a-f]{12})/.exec(applied.stdout)?.[1];
  t.is((await c.store.get(web))?.metadata.annotations?.['minik8s.io/source-file'], 'apps/web.yaml');

  await writeFile(file, podYaml('web', 'nginx:1'));
  const again = await mkctl(config, ['apply', '-f', file]);
  t.regex(again.stdout, /^pod\/web configured \(apps\/web\.yaml\)$/m);
  t.is((await c.store.get(web))?.spec.containers[0]?.image, 'nginx:1');

  const deleted = await mkctl(config, ['delete', 'po', 'web']);
  t.is(deleted.code, 0, deleted.stderr);
  t.regex(deleted.stdout, /pod\/web deleted \(from apps\/web\.yaml\)/);
  t.is(await c.store.get(web), undefined);

  const missing = await mkctl(config, ['delete', 'pod', 'web']);
  t.is(missing.code, 1);
  t.is(missing.stderr, 'error: not found in the cluster repository: pod/web\n');

  const sync = await mkctl(config, ['sync', '-o', 'json']);
  t.like(JSON.parse(sync.stdout), { lastResult: { reason: 'Succeeded', counts: { pruned: 1 } } });

  const history = await mkctl(config, ['history']);
  t.regex(history.stdout, /^REVISION\s+TIME\s+AUTHOR\s+SYNC\s+CHANGES\s+MESSAGE$/m);
  t.regex(history.stdout, /Succeeded\s+\+0 ~0 -1\s+delete: pod\/web$/m);

  const rolled = await mkctl(config, ['rollback', first!]);
  t.is(rolled.code, 0, rolled.stderr);
  t.regex(rolled.stdout, /synced [0-9a-f]{12}: Succeeded \(1 created/);
  t.is((await c.store.get(web))?.spec.containers[0]?.image, 'busybox:latest');
});

test('mkctl apply refuses invalid manifests with file and line, as one error', async (t) => {
  const { config, work } = await clusterWithConfig(t);
  const file = join(work, 'bad.yaml');
  await writeFile(file, podYaml('bad').replace('image: busybox:latest', 'image: 3'));
  const r = await mkctl(config, ['apply', '-f', file]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^error: invalid manifests, nothing pushed:\n.*bad\.yaml:8:14: spec\.containers\[0\]\.image: /);
  t.notRegex(r.stderr, /\n\s+at /);
});

test("a push the server rejects carries the hook's messages", async (t) => {
  const c = await startGitCluster(t, { seedDir: 'cluster-repo' });
  const clone = await ClusterClone.open(c.gitUrl, c.token, testSecurityConfig().caFile);
  t.teardown(() => clone.dispose());
  await clone.write(new Map([['apps/dup.yaml', podYaml('hello')]]));
  const err = await t.throwsAsync(clone.commitAndPush('duplicate'));
  t.true(err instanceof PushRejectedError);
  t.deepEqual((err as PushRejectedError).messages.slice(0, 2), [
    'apps/hello.yaml:2: metadata.name: duplicate Pod/default/hello: also defined in apps/dup.yaml:1',
    'minik8s: push rejected: 1 error(s) in the manifests',
  ]);
});
