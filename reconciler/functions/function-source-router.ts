import { Router } from 'express';
import { FUNCTION_SOURCE_ROUTE } from '../../common/functions/function-source-api.js';
import { HttpError } from '../../common/http/http-error.js';
import type { ObjectStore } from '../store/object-store.js';
import { readFunctionSource } from './function-source.js';

/**
 * `GET …/namespaces/NS/functions/NAME/source`: the function's code at the revision its status names, read from
 * the repository the sync follows. Node agents call it to fill their code directories; mount it behind the API's
 * authentication.
 */
export function functionSourceRouter(store: ObjectStore, gitdir: () => string): Router {
  const router = Router();
  router.get(FUNCTION_SOURCE_ROUTE, async (req, res) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    const fn = await store.get({ kind: 'Function', namespace, name });
    if (!fn) throw new HttpError(404, 'NotFound', `function ${namespace}/${name} not found`);
    const revision = fn.status?.revision;
    if (!revision) throw new HttpError(409, 'Conflict', `function ${namespace}/${name} has no revision yet (its first sync is under way)`);
    const source = await readFunctionSource(revision, fn.spec.source, { GIT_DIR: gitdir() });
    if (!source) throw new HttpError(404, 'NotFound', `revision ${revision.slice(0, 12)} has no "${fn.spec.source}"`);
    res.json({ revision, oid: source.oid, files: source.files.map((f) => ({ path: f.path, content: f.content.toString('base64') })) });
  });
  return router;
}
