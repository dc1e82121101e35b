import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { repoRoot } from '../../common/paths/repo-root.js';

/** The processes' folders, whose subfolders the table lists one by one. */
const PROCESSES = ['common', 'reconciler', 'node-agent', 'gateway', 'mkctl'];

/** The backticked names in the rows of README's architecture table (the one headed "folder"). */
function tableNames(): Set<string> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| folder | what it holds |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n');
  return new Set(rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
}

/** Top-level folders and the processes' subfolders, as Git tracks them. */
function trackedFolders(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const parts of files.map((f) => f.split('/'))) {
    if (parts.length > 1) folders.add(`${parts[0]}/`);
    if (parts.length > 2 && PROCESSES.includes(parts[0]!)) folders.add(`${parts[0]}/${parts[1]}`);
  }
  return [...folders].sort();
}

test('the README architecture table names every folder of the tree', (t) => {
  const names = tableNames();
  t.deepEqual(
    trackedFolders().filter((f) => !names.has(f)),
    [],
  );
});

test('every folder the README architecture table names exists', (t) => {
  const folders = [...tableNames()].filter((n) => !/\.[a-z]+$/.test(n));
  t.deepEqual(
    folders.filter((f) => !existsSync(join(repoRoot, f))),
    [],
  );
});
