import { z } from 'zod';

/** A problem with one manifest file, located as precisely as the parser allows. */
export const manifestErrorSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** Field path inside the object (`spec.containers[0].image`), for schema errors. */
  path: z.string().optional(),
  message: z.string(),
});
export type ManifestError = z.infer<typeof manifestErrorSchema>;

export const syncReasonSchema = z.enum(['Succeeded', 'ValidationFailed', 'FetchFailed', 'ApplyFailed', 'Progressing']);
export type SyncReason = z.infer<typeof syncReasonSchema>;

/** The outcome of syncing one commit. */
export const syncResultSchema = z.object({
  revision: z.string(),
  time: z.string(),
  reason: syncReasonSchema,
  message: z.string(),
  counts: z.object({ created: z.number(), configured: z.number(), unchanged: z.number(), pruned: z.number() }),
  errors: z.array(manifestErrorSchema),
  durationMs: z.number(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

/** Kept in etcd; `mkctl sync` shows it. Written on every exit path of a sync. */
export const syncStatusSchema = z.object({
  source: z.object({ type: z.enum(['hosted', 'remote']), url: z.string(), branch: z.string() }),
  lastAppliedRevision: z.string().optional(),
  lastAttemptedRevision: z.string().optional(),
  lastResult: syncResultSchema.optional(),
  /** Objects Git owns at lastAppliedRevision (kind/namespace/name keys): the inventory that prune diffs against. */
  inventory: z.array(z.string()),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** One commit of the repository with the result of syncing it, for `mkctl history`. */
export const historyEntrySchema = z.object({
  revision: z.string(),
  message: z.string(),
  author: z.string(),
  time: z.string(),
  /** A force push took it off the branch; it is kept, and shown, all the same. */
  replaced: z.boolean().optional(),
  sync: syncResultSchema.optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
