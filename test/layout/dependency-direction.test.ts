import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import test from 'ava';
import { repoRoot } from '../../common/paths/repo-root.js';
import { sourceFiles } from './source-files.js';

/**
 * Which top-level folders each may import from. The agent and the gateway run on nodes and share only
 * common/ with the control plane; common/ is shared by everyone, so it imports none of them. The CLI
 * runs the control plane's pure planning itself (`mkctl sync --dry-run` shows what the reconciler would
 * do), so it may import those folders of reconciler/, but never what opens etcd, serves or reconciles.
 */
const allowed: Record<string, (target: string) => boolean> = {
  common: (to) => to.startsWith('common/'),
  'node-agent': (to) => to.startsWith('common/') || to.startsWith('node-agent/'),
  gateway: (to) => to.startsWith('common/') || to.startsWith('gateway/'),
  mkctl: (to) => to.startsWith('common/') || to.startsWith('mkctl/') || /^reconciler\/(sync|git|workloads|autoscaling|scheduler)\//.test(to),
  reconciler: (to) => to.startsWith('common/') || to.startsWith('reconciler/'),
};

/** Relative imports (static, re-exports and dynamic) of a file, as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) =>
    relative(repoRoot, resolve(dirname(file), s))
      .split(sep)
      .join('/'),
  );
}

for (const [folder, mayImport] of Object.entries(allowed)) {
  test(`${folder}/ imports only what its place in the architecture allows`, (t) => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(repoRoot, folder)))
      for (const target of importsOf(file)) if (!mayImport(target)) violations.push(`${relative(repoRoot, file)} → ${target}`);
    t.deepEqual(violations, []);
  });
}
