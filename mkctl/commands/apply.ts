import type { Command } from 'commander';
import { readClusterConfig } from '../../common/config/cluster-config.js';
import { applyDocuments, displayKey, splitDocuments } from '../../reconciler/git/manifest-edits.js';
import { loadManifests } from '../../reconciler/sync/manifest-loader.js';
import { formatManifestError, formatManifestWarning, reportSync } from '../../reconciler/sync/sync-report.js';
import { commitToCluster } from '../git/commit-to-cluster.js';
import { readManifestArg } from '../git/read-manifest-arg.js';

export function register(program: Command): void {
  program
    .command('apply')
    .description('Commit manifests to the cluster repository and push them; prints the commit and its sync result')
    .requiredOption('-f, --filename <path>', 'a manifest file or a directory of them')
    .action(async (opts: { filename: string }) => {
      const files = await readManifestArg(opts.filename);
      // Checked here first so that mistakes show against the user's own paths.
      const local = loadManifests(files, { partial: true });
      for (const w of local.warnings) process.stderr.write(`${formatManifestWarning(w)}\n`);
      if (local.errors.length > 0) throw new Error(`invalid manifests, nothing pushed:\n${local.errors.map(formatManifestError).join('\n')}`);
      if (local.objects.length === 0) throw new Error(`${opts.filename}: no manifests found`);
      const docs = files.flatMap((f) => splitDocuments(f.content).map((d) => ({ ...d, newFile: f.repoPath })));
      let applied: Array<{ key: string; file: string; action: string }> = [];
      const { revision, result } = await commitToCluster(readClusterConfig(), (tree) => {
        const r = applyDocuments(tree, docs);
        applied = r.applied;
        return { edit: r.edit, message: `apply: ${applied.map((a) => displayKey(a.key)).join(', ')}` };
      });
      if (!revision) return void console.log('unchanged: the cluster repository already holds these manifests');
      for (const a of applied) console.log(`${displayKey(a.key)} ${a.action} (${a.file})`);
      const report = reportSync(revision, result);
      console.log(report.lines.join('\n'));
      if (!report.ok) process.exitCode = 1;
    });
}
