import type { ApiClient } from '../../common/client/api-client.js';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import type { ManifestError, SyncResult, SyncStatus } from './sync-types.js';

/** `apps/web.yaml:7:3: spec.containers[0].image: expected string`: the one way manifest errors are printed. */
export function formatManifestError(e: ManifestError): string {
  const where = [e.file, e.line, e.line !== undefined ? e.column : undefined].filter((x) => x !== undefined).join(':');
  return `${where}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** A warning about a manifest, printed as errors are but marked, since it refuses nothing. */
export function formatManifestWarning(e: ManifestError): string {
  return `warning: ${formatManifestError(e)}`;
}

export function formatCounts(r: SyncResult): string {
  const c = r.counts;
  return `${c.created} created, ${c.configured} configured, ${c.unchanged} unchanged, ${c.pruned} pruned`;
}

/** Waits (server side) for the sync of `revision`; undefined when it did not finish in time. */
export async function waitForSync(client: ApiClient, revision: string, waitMs = 30_000): Promise<SyncResult | undefined> {
  const r = await client.request<{ status: SyncStatus; result?: SyncResult }>('GET', `${MINIK8S_API}/sync?revision=${revision}&waitMs=${waitMs}`);
  return r.result;
}

/** The lines the CLI prints for a pushed revision and its sync result; `ok` is false when the revision did not apply cleanly. */
export function reportSync(revision: string, result: SyncResult | undefined): { ok: boolean; lines: string[] } {
  const short = revision.slice(0, 12);
  if (!result) return { ok: false, lines: [`committed ${short}, but its sync did not finish in time; see: mkctl sync`] };
  const lines = [`committed ${short}`, `synced ${short}: ${result.reason} (${formatCounts(result)})`];
  if (result.reason !== 'Succeeded') lines.push(result.message, ...result.errors.map(formatManifestError));
  return { ok: result.reason === 'Succeeded', lines };
}
