import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Constant-time comparison of two secrets. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer-token middleware: accepts any of `tokens` (the cluster token for users and controllers,
 * the join token for node agents). Mount open routes such as /healthz before it.
 */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const m = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (m && tokens.some((t) => sameSecret(t, m[1]!))) return next();
    res.set('WWW-Authenticate', 'Bearer realm="minik8s"');
    next(new HttpError(401, 'Unauthorized', m ? 'invalid bearer token' : 'missing bearer token (Authorization: Bearer <token> from cluster.json)'));
  };
}
