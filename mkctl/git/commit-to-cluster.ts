import { ApiClient } from '../../common/client/api-client.js';
import { type ClusterConfig, readClusterCa } from '../../common/config/cluster-config.js';
import type { ManifestTree, TreeEdit } from '../../reconciler/git/manifest-edits.js';
import { waitForSync } from '../../reconciler/sync/sync-report.js';
import type { SyncResult } from '../../reconciler/sync/sync-types.js';
import { ClusterClone } from './cluster-clone.js';

export interface ClusterChange {
  edit: TreeEdit;
  message: string;
}

/**
 * How the CLI changes the cluster: clone the cluster repository, edit it, commit, push (the server's
 * hook may reject it: PushRejectedError), then wait for the sync of the pushed revision.
 * `revision` is undefined when the edit changed nothing.
 */
export async function commitToCluster(
  config: ClusterConfig,
  change: (tree: ManifestTree) => ClusterChange,
): Promise<{ revision?: string; result?: SyncResult }> {
  const clone = await ClusterClone.open(config.gitUrl, config.token, config.caFile);
  try {
    const { edit, message } = change(await clone.manifests());
    await clone.write(edit);
    const revision = await clone.commitAndPush(message);
    if (!revision) return {};
    const result = await waitForSync(new ApiClient({ baseUrl: config.apiUrl, token: config.token, ca: readClusterCa(config) }), revision);
    return { revision, ...(result && { result }) };
  } finally {
    await clone.dispose();
  }
}
