import test from 'ava';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import type { SyncStatus } from '../../reconciler/sync/sync-types.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { cloneRepo, commitAndPush, podYaml } from './git-cluster.js';

test('through the whole control plane, a push is validated by the hook and synced', async (t) => {
  const { pushUrl, client } = await startTestControlPlane(t, { repoSeedDir: 'cluster-repo' });
  const dir = await cloneRepo(t, pushUrl);
  const bad = await commitAndPush(dir, { 'apps/x.yaml': podYaml('x').replace('kind: Pod', 'kind: Pot') });
  t.false(bad.ok);
  t.regex(bad.output, /remote: apps\/x\.yaml:2:7: kind: unknown kind "Pot"/);
  const good = await commitAndPush(dir, { 'apps/x.yaml': podYaml('x') });
  if (!good.ok) return t.fail(good.output);
  const { status, result } = await client.request<{ status: SyncStatus; result?: { reason: string } }>(
    'GET',
    `${MINIK8S_API}/sync?revision=${good.revision}&waitMs=10000`,
  );
  t.is(result?.reason, 'Succeeded');
  t.is(status.lastAppliedRevision, good.revision);
  t.truthy(await client.get({ kind: 'Pod', namespace: 'default', name: 'x' }));
});
