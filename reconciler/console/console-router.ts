import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type RequestHandler, Router } from 'express';
import { sameSecret } from '../../common/http/bearer-auth.js';
import { HttpError } from '../../common/http/http-error.js';
import { repoRoot } from '../../common/paths/repo-root.js';
import { ConsoleSessions, SESSION_TTL_MS } from './console-sessions.js';

export const CONSOLE_PATH = '/console';
export const SESSION_COOKIE = 'minik8s_console';

export interface ConsoleOptions {
  /** Tokens a user may sign in with (the cluster's user credential; never the node or scrape tokens). */
  tokens: readonly string[];
  /** Where the built console is (default dist/console, made by npm run build). */
  assetsDir?: string;
  sessions?: ConsoleSessions;
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** A sign-in from another origin (login CSRF) is refused; browsers always send Origin on a POST. */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  return origin !== undefined && origin === `${req.protocol}://${req.get('host')}`;
}

/**
 * The web console: the built single-page app under /console/, signing in and out, and the session
 * middleware. How a browser authenticates: the sign-in form POSTs the token (same origin only); the
 * answer sets an HttpOnly, SameSite=Strict cookie holding a random session id. A request carrying that
 * cookie and no Authorization header is treated as carrying the session's token — for GET and HEAD only (exec excluded),
 * so the cookie can read (lists, watches, logs, Prometheus queries) but never change anything, and a
 * forged cross-site request has nothing to gain. Everything that writes still needs the bearer token.
 */
export function consoleRouter(opts: ConsoleOptions): { router: Router; session: RequestHandler } {
  const sessions = opts.sessions ?? new ConsoleSessions();
  const assets = opts.assetsDir ?? join(repoRoot, 'dist', 'console');
  const router = Router();

  const session: RequestHandler = (req, _res, next) => {
    // Exec is a GET with an Upgrade, and a command: never on a cookie.
    const readOnly = (req.method === 'GET' || req.method === 'HEAD') && !req.get('upgrade') && !req.path.endsWith('/exec');
    if (req.get('authorization') || !readOnly) return next();
    const id = cookieValue(req, SESSION_COOKIE);
    const token = id && sessions.token(id);
    if (token) req.headers.authorization = `Bearer ${token}`;
    next();
  };

  router.post(`${CONSOLE_PATH}/login`, express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), (req, res) => {
    if (!sameOrigin(req)) throw new HttpError(400, 'BadRequest', 'sign-in must come from the console page itself (Origin header missing or foreign)');
    const token = String((req.body as { token?: unknown } | undefined)?.token ?? '').trim();
    if (!opts.tokens.some((t) => sameSecret(t, token))) throw new HttpError(401, 'Unauthorized', 'that token is not a cluster token (cluster.json → token)');
    const secure = req.secure ? '; Secure' : '';
    res.set('Set-Cookie', `${SESSION_COOKIE}=${sessions.create(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}${secure}`);
    res.status(204).end();
  });
  router.post(`${CONSOLE_PATH}/logout`, (req, res) => {
    if (!sameOrigin(req)) throw new HttpError(400, 'BadRequest', 'sign-out must come from the console page itself');
    const id = cookieValue(req, SESSION_COOKIE);
    if (id) sessions.delete(id);
    res.set('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    res.status(204).end();
  });
  // Non-strict routing matches /console/ here too: only the bare path is sent on.
  router.get(CONSOLE_PATH, (req, res, next) => (req.path === CONSOLE_PATH ? res.redirect(`${CONSOLE_PATH}/`) : next()));
  router.use(CONSOLE_PATH, (req, res, next) => {
    if (!existsSync(join(assets, 'index.html'))) throw new HttpError(404, 'NotFound', 'the console is not built (npm run build)');
    // The page holds no data (that comes from the API with the session): it is served to anyone.
    res.set({ 'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'", 'X-Frame-Options': 'DENY' });
    express.static(assets, { index: 'index.html' })(req, res, next);
  });
  return { router, session };
}
