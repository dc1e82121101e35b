import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'ava';
import { repoRoot } from '../../common/paths/repo-root.js';
import { sourceFiles } from './source-files.js';

/** Biome's formatter keeps code within this width; strings and comments it cannot break are held to it here. */
const MAX_COLUMNS = 160;
const FOLDERS = ['common', 'reconciler', 'node-agent', 'gateway', 'mkctl', 'console/src', 'test', 'bin'];

test(`no source line is longer than ${MAX_COLUMNS} characters`, (t) => {
  const long: string[] = [];
  for (const folder of FOLDERS)
    for (const file of sourceFiles(join(repoRoot, folder), /\.(ts|js|mjs)$/))
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // Counted in characters as an editor shows them, not UTF-16 units.
          const columns = [...line].length;
          if (columns > MAX_COLUMNS) long.push(`${relative(repoRoot, file)}:${i + 1} (${columns})`);
        });
  t.deepEqual(long, []);
});
