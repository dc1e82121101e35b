import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files under `dir` (recursively) whose names match `name`: what the layout tests read. */
export function* sourceFiles(dir: string, name: RegExp = /\.ts$/): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path, name);
    else if (name.test(entry.name)) yield path;
  }
}
