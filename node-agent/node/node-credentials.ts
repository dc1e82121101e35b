import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BOOTSTRAP_PATH, type NodeBootstrapAnswer } from '../../common/auth/node-bootstrap.js';
import { ApiClient } from '../../common/client/api-client.js';

const credentialsSchema = z.object({ nodeName: z.string(), token: z.string().min(1), agentToken: z.string().min(1) });

export interface NodeCredentialsOptions {
  apiUrl: string;
  ca: string | undefined;
  nodeName: string;
  /** The bootstrap token (the agent config's joinToken). */
  bootstrapToken: string;
  stateDir: string;
}

/** stateDir/credentials.json: the node's own tokens, mode 0600. */
export function credentialsPath(stateDir: string): string {
  return join(stateDir, 'credentials.json');
}

async function stored(opts: NodeCredentialsOptions): Promise<NodeBootstrapAnswer | undefined> {
  const text = await readFile(credentialsPath(opts.stateDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = credentialsSchema.safeParse(JSON.parse(text));
  // Credentials of another node name (the config was changed) are no use to this one.
  return parsed.success && parsed.data.nodeName === opts.nodeName ? parsed.data : undefined;
}

/**
 * The node's own credentials: read from stateDir when it has joined before, otherwise got by trading
 * the bootstrap token at the API (once; restarts reuse them) and kept there with mode 0600.
 */
export async function nodeCredentials(opts: NodeCredentialsOptions): Promise<NodeBootstrapAnswer> {
  const known = await stored(opts);
  if (known) return known;
  const bootstrap = new ApiClient({ baseUrl: opts.apiUrl, token: opts.bootstrapToken, ...(opts.ca !== undefined && { ca: opts.ca }) });
  const answer = credentialsSchema.parse(await bootstrap.request('POST', BOOTSTRAP_PATH, { nodeName: opts.nodeName }));
  await mkdir(opts.stateDir, { recursive: true });
  const path = credentialsPath(opts.stateDir);
  await writeFile(`${path}.new`, JSON.stringify(answer) + '\n', { mode: 0o600 });
  await rename(`${path}.new`, path);
  return answer;
}

/** Drops stored credentials the API no longer accepts (the cluster was reset): the next start joins again. */
export async function forgetNodeCredentials(stateDir: string): Promise<void> {
  await rm(credentialsPath(stateDir), { force: true });
}
