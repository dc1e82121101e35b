import type { KV } from '../store/kv.js';
import { type SyncResult, type SyncStatus, syncResultSchema, syncStatusSchema } from './sync-types.js';

const STATUS_KEY = '/minik8s/sync/status';
const RESULTS_PREFIX = '/minik8s/sync/results/';

/** The sync's record in etcd: the current status, and one result per revision for `mkctl history`. */
export class SyncStatusStore {
  constructor(readonly kv: KV) {}

  async getStatus(): Promise<SyncStatus | undefined> {
    const e = await this.kv.get(STATUS_KEY);
    return e && syncStatusSchema.parse(JSON.parse(e.value));
  }

  async getResult(revision: string): Promise<SyncResult | undefined> {
    const e = await this.kv.get(RESULTS_PREFIX + revision);
    return e && syncResultSchema.parse(JSON.parse(e.value));
  }

  async listResults(): Promise<Map<string, SyncResult>> {
    const { entries } = await this.kv.list(RESULTS_PREFIX);
    return new Map(entries.map((e) => [e.key.slice(RESULTS_PREFIX.length), syncResultSchema.parse(JSON.parse(e.value))]));
  }

  /** Writes the status and its result together, so a reader never sees one without the other. */
  async write(status: SyncStatus): Promise<void> {
    const result = status.lastResult;
    await this.kv.commit([
      { type: 'put', key: STATUS_KEY, value: JSON.stringify(syncStatusSchema.parse(status)) },
      ...(result?.revision ? [{ type: 'put' as const, key: RESULTS_PREFIX + result.revision, value: JSON.stringify(result) }] : []),
    ]);
  }
}
