import type { RequestHandler } from 'express';
import { HttpError } from '../../common/http/http-error.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Authenticator } from './authenticate.js';
import { authorize, needsStoredObject } from './authorize.js';
import { type Identity, userName } from './identity.js';
import { type RequestAttributes, requestAttributes } from './request-attributes.js';

/** Who the request is from, once `authenticate` has run. */
export function identityOf(res: { locals: Record<string, unknown> }): Identity {
  const identity = res.locals.identity as Identity | undefined;
  if (!identity) throw new Error('no identity: authenticate must run first');
  return identity;
}

/** Bearer-token authentication: 401 for a missing or unknown token; the caller's identity in res.locals. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return (req, res, next) => {
    const m = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    const identity = m ? authenticator(m[1]!) : undefined;
    if (identity) {
      res.locals.identity = identity;
      return next();
    }
    res.set('WWW-Authenticate', 'Bearer realm="minik8s"');
    next(new HttpError(401, 'Unauthorized', m ? 'invalid bearer token' : 'missing bearer token (Authorization: Bearer <token> from cluster.json)'));
  };
}

function forbidden(identity: Identity, attrs: RequestAttributes, reason: string): HttpError {
  if (attrs.type === 'nonResource')
    return new HttpError(403, 'Forbidden', `forbidden: User "${userName(identity)}" cannot ${attrs.method.toLowerCase()} path "${attrs.path}": ${reason}`);
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const what = attrs.name ? `${attrs.resource} "${attrs.name}"` : attrs.resource;
  const where = attrs.namespace ? ` in the namespace "${attrs.namespace}"` : '';
  return new HttpError(403, 'Forbidden', `${what} is forbidden: User "${userName(identity)}" cannot ${attrs.verb} resource "${resource}"${where}: ${reason}`, {
    details: { kind: attrs.resource, ...(attrs.name && { name: attrs.name }) },
  });
}

/**
 * Authorization, after authentication and body parsing: every request is decided by `authorize`
 * before any route sees it; a refusal is a 403 `Status` and nothing is read or written for it.
 */
export function authorizeRequests(store: ObjectStore): RequestHandler {
  return async (req, res, next) => {
    try {
      const identity = identityOf(res);
      const attrs = requestAttributes(req.method, req.path, req.query);
      const stored =
        needsStoredObject(identity, attrs) && attrs.type === 'resource' && attrs.kind
          ? await store.get({ kind: attrs.kind, namespace: attrs.namespace, name: attrs.name! })
          : undefined;
      const decision = authorize(identity, attrs, { stored, body: req.body });
      next(decision.allowed ? undefined : forbidden(identity, attrs, decision.reason));
    } catch (err) {
      next(err);
    }
  };
}
