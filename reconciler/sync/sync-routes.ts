import fs from 'node:fs';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import git from 'isomorphic-git';
import { z } from 'zod';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import { readFunctionSource } from '../functions/function-source.js';
import { functionSourceErrors } from '../functions/function-source-errors.js';
import { readCommitHistory } from '../git/commit-history.js';
import { readCommitManifests } from '../git/commit-reader.js';
import { commitRollback } from '../git/commit-rollback.js';
import { QuarantineError, quarantineEnv, readPushedManifests } from '../git/pushed-manifests.js';
import { formatBytes, MAX_COMMIT_MANIFEST_BYTES } from '../store/size-limits.js';
import { loadManifests, type ManifestCache } from './manifest-loader.js';
import type { SyncController } from './sync-controller.js';
import { formatManifestError, formatManifestWarning } from './sync-report.js';
import type { SyncStatusStore } from './sync-status-store.js';
import type { HistoryEntry } from './sync-types.js';

export interface SyncRoutesDeps {
  controller: SyncController;
  status: SyncStatusStore;
  /** The hosted repository, whose pushes the pre-receive hook asks to validate. */
  hostedGitdir: string;
  /** Parses (and admission-checks) manifests for the sync, validation and rollback alike. */
  cache: ManifestCache;
}

const validateBody = z.object({ revision: z.string().optional(), files: z.array(z.object({ path: z.string(), content: z.string() })) });
const pushBody = z.object({ revision: z.string().regex(/^[0-9a-f]{40}$/), objectDirectory: z.string().min(1), alternates: z.string().default('') });
const rollbackBody = z.object({ revision: z.string().min(4) });
const waitQuery = z.object({ revision: z.string().optional(), waitMs: z.coerce.number().int().min(0).max(60_000).default(0) });

class BadRequest extends Error {}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return r.data;
}

/**
 * minik8s' Git endpoints: sync status (optionally waiting for a revision's result), history,
 * rollback, the webhook that syncs now, validation of manifests, and of a push (the pre-receive hook's call).
 * Mount it behind the API's bearer-token authentication.
 */
export function syncRoutes({ controller, status, hostedGitdir, cache }: SyncRoutesDeps): Router {
  const router = Router();
  const json = express.json({ limit: '256mb' });
  const source = controller.source;

  router.get(`${MINIK8S_API}/sync`, async (req, res) => {
    const q = parse(waitQuery, req.query);
    const result = q.revision && q.waitMs > 0 ? await controller.waitForResult(q.revision, q.waitMs) : undefined;
    res.json({ status: (await status.getStatus()) ?? { source: source.info, inventory: [] }, ...(result && { result }) });
  });

  router.get(`${MINIK8S_API}/history`, async (_req, res) => {
    const commits = await readCommitHistory(source.gitdir, source.ref);
    const results = await status.listResults();
    const entries: HistoryEntry[] = commits.map(({ commit: c, replaced }) => ({
      revision: c.oid,
      message: c.commit.message.trim(),
      author: c.commit.author.name,
      time: new Date(c.commit.committer.timestamp * 1000).toISOString(),
      ...(replaced && { replaced }),
      ...(results.has(c.oid) && { sync: results.get(c.oid) }),
    }));
    res.json({ items: entries });
  });

  router.post(`${MINIK8S_API}/rollback`, json, async (req, res) => {
    const { revision } = parse(rollbackBody, req.body);
    if (source.info.type !== 'hosted') throw new BadRequest(`the cluster follows ${source.info.url}: revert the commit there`);
    const oid = await git.expandOid({ fs, gitdir: source.gitdir, oid: revision }).catch(() => {
      throw new BadRequest(`unknown revision "${revision}"`);
    });
    const { errors } = loadManifests((await readCommitManifests(source.gitdir, oid)).files, { cache });
    if (errors.length > 0) throw new BadRequest(`revision ${oid.slice(0, 12)} has invalid manifests; cannot roll back to it`);
    const commit = await commitRollback(source.gitdir, source.ref, oid);
    controller.trigger();
    res.status(201).json({ revision: commit, rolledBackTo: oid });
  });

  router.post(`${MINIK8S_API}/webhook`, (_req, res) => {
    controller.trigger();
    res.status(202).json({ queued: true });
  });

  router.post(`${MINIK8S_API}/validate`, json, (req, res) => {
    const { files } = parse(validateBody, req.body);
    const { errors, warnings } = loadManifests(files, { cache, partial: true });
    res.json({ errors, warnings, messages: [...errors.map(formatManifestError), ...warnings.map(formatManifestWarning)] });
  });

  // The pre-receive hook's call: plain text in and out, since that is what a push shows the user.
  router.post(`${MINIK8S_API}/validate/push`, express.urlencoded({ extended: false }), async (req, res) => {
    const { revision, objectDirectory, alternates } = parse(pushBody, req.body);
    const quarantine = { objectDirectory, alternates };
    const files = await readPushedManifests(hostedGitdir, revision, quarantine);
    const total = files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
    if (total > MAX_COMMIT_MANIFEST_BYTES) {
      const largest = [...files]
        .sort((a, b) => b.content.length - a.content.length)
        .slice(0, 3)
        .map((f) => `${f.path} (${formatBytes(Buffer.byteLength(f.content))})`);
      const message =
        `minik8s: push rejected: the manifests total ${formatBytes(total)}, ` +
        `over the limit of ${formatBytes(MAX_COMMIT_MANIFEST_BYTES)} per commit (largest: ${largest.join(', ')})`;
      return void res.status(422).type('text/plain').send(`${message}\n`);
    }
    const { errors, warnings, objects } = loadManifests(files, { cache });
    // Functions' code must be in the commit and compile: checked once the manifests themselves are valid.
    if (errors.length === 0) {
      const env = quarantineEnv(hostedGitdir, quarantine);
      errors.push(...(await functionSourceErrors(objects, (source) => readFunctionSource(revision, source, env))));
    }
    const warningLines = warnings.map(formatManifestWarning);
    if (errors.length === 0)
      return void (warningLines.length === 0
        ? res.status(204).end()
        : res
            .status(200)
            .type('text/plain')
            .send(`${warningLines.join('\n')}\n`));
    const lines = [...errors.map(formatManifestError), ...warningLines, `minik8s: push rejected: ${errors.length} error(s) in the manifests`];
    res
      .status(422)
      .type('text/plain')
      .send(`${lines.join('\n')}\n`);
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof BadRequest || err instanceof QuarantineError)) return next(err);
    res.status(400).json({ message: err.message });
  });
  return router;
}
