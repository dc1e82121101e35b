import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentNames } from './identity.js';
import { scopedToken } from './scoped-tokens.js';

/** $MINIK8S_HOME/credentials/<component>.token: where a component started on this host reads its token. */
export function componentTokenPath(home: string, component: string): string {
  return join(home, 'credentials', `${component}.token`);
}

/**
 * Writes every component's scoped token (mode 0600, atomically), so the scripts can start a component
 * with `--token-file` and it never needs cluster.json, which holds the admin token.
 */
export async function writeComponentTokens(home: string, tokenKey: string): Promise<void> {
  await mkdir(join(home, 'credentials'), { recursive: true, mode: 0o700 });
  for (const component of componentNames) {
    const path = componentTokenPath(home, component);
    await writeFile(`${path}.new`, `${scopedToken(tokenKey, 'component', component)}\n`, { mode: 0o600 });
    await rename(`${path}.new`, path);
  }
}
