import type { Command } from 'commander';
import { readClusterConfig } from '../../common/config/cluster-config.js';
import { lookupResourceType, refKey } from '../../common/schema/index.js';
import { displayKey, removeObjects, splitDocuments } from '../../reconciler/git/manifest-edits.js';
import { isManagedByGit } from '../../reconciler/sync/plan.js';
import { reportSync } from '../../reconciler/sync/sync-report.js';
import { cliContext } from '../cli-context.js';
import { commitToCluster } from '../git/commit-to-cluster.js';
import { readManifestArg } from '../git/read-manifest-arg.js';

async function keysToDelete(kind: string | undefined, name: string | undefined, opts: { filename?: string; namespace: string }): Promise<string[]> {
  if (opts.filename) {
    const files = await readManifestArg(opts.filename);
    return files.flatMap((f) => splitDocuments(f.content).flatMap((d) => (d.key ? [d.key] : [])));
  }
  if (!kind || !name) throw new Error('give KIND NAME, or -f FILE');
  const type = lookupResourceType(kind);
  if (!type) throw new Error(`unknown kind "${kind}"`);
  if (!type.fromGit) throw new Error(`${type.plural} are not kept in the cluster repository; they cannot be deleted with mkctl`);
  return [refKey({ kind: type.kind, namespace: opts.namespace, name })];
}

/**
 * Objects a controller made (a ReplicaSet's pods) have no file in Git: they are deleted through the API,
 * and their controller decides what follows (a replacement). Returns false for anything Git keeps.
 */
async function deletedThroughApi(kind: string, name: string, namespace: string): Promise<boolean> {
  const type = lookupResourceType(kind);
  if (!type?.fromGit) return false;
  const { client } = cliContext();
  const ref = { kind: type.kind, namespace, name };
  const current = await client.get(ref);
  if (!current || isManagedByGit(current)) return false;
  if (await client.delete(ref)) console.log(`${type.singular} "${name}" deleted`);
  return true;
}

export function register(program: Command): void {
  program
    .command('delete')
    .description('Remove objects from the cluster repository (commit and push; the sync prunes them), or through the API those a controller made')
    .argument('[kind]', 'pod, service, deployment, replicaset, hpa or dns')
    .argument('[name]')
    .option('-f, --filename <path>', 'delete the objects a manifest file or directory holds')
    .option('-n, --namespace <ns>', 'namespace of KIND NAME', 'default')
    .action(async (kind: string | undefined, name: string | undefined, opts: { filename?: string; namespace: string }) => {
      if (kind && name && !opts.filename && (await deletedThroughApi(kind, name, opts.namespace))) return;
      const keys = await keysToDelete(kind, name, opts);
      if (keys.length === 0) throw new Error(`${opts.filename}: no objects found`);
      let removed: Array<{ key: string; file: string }> = [];
      const { revision, result } = await commitToCluster(readClusterConfig(), (tree) => {
        const r = removeObjects(tree, keys);
        if (r.missing.length > 0) throw new Error(`not found in the cluster repository: ${r.missing.map(displayKey).join(', ')}`);
        removed = r.removed;
        return { edit: r.edit, message: `delete: ${removed.map((x) => displayKey(x.key)).join(', ')}` };
      });
      for (const r of removed) console.log(`${displayKey(r.key)} deleted (from ${r.file})`);
      if (!revision) return;
      const report = reportSync(revision, result);
      console.log(report.lines.join('\n'));
      if (!report.ok) process.exitCode = 1;
    });
}
