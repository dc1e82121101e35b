import { Router } from 'express';
import { FUNCTION_TOKEN_ROUTE } from '../../common/functions/function-token.js';
import { HttpError } from '../../common/http/http-error.js';
import { scopedToken } from '../auth/scoped-tokens.js';
import type { ObjectStore } from '../store/object-store.js';

/** A function's invoke token, derived from the cluster's token key: the same for as long as the key is. */
export function functionInvokeToken(tokenKey: string, namespace: string, name: string): string {
  return scopedToken(tokenKey, 'function', `${namespace}/${name}`);
}

/**
 * `GET …/namespaces/NS/functions/NAME/token`: `{token}`, the bearer token that calls the private function through
 * the gateway. A non-resource path of the API, so only the admin may read it; mount behind its authentication.
 */
export function functionTokenRouter(store: ObjectStore, tokenKey: string): Router {
  const router = Router();
  router.get(FUNCTION_TOKEN_ROUTE, async (req, res) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    if (!(await store.get({ kind: 'Function', namespace, name }))) throw new HttpError(404, 'NotFound', `function ${namespace}/${name} not found`);
    res.json({ token: functionInvokeToken(tokenKey, namespace, name) });
  });
  return router;
}
