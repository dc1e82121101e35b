import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { GIT_USER } from '../../common/config/cluster-config.js';
import { createLogger } from '../../common/log/log.js';
import { classifyGitRequest } from './git-request.js';

const log = createLogger('git-http');

export interface GitHttpOptions {
  /** Directory holding the bare repositories (GIT_PROJECT_ROOT). */
  reposRoot: string;
  /** Password of the `minik8s` user: every request needs it, reads as well as pushes (the API listens beyond loopback). */
  token: string;
  /** Called once a push request has completed, with the repository path (`/cluster.git`). */
  onPush?: (repo: string) => void;
  backendPath?: string;
}

/**
 * Git's smart HTTP protocol, served by git's own `http-backend` run as CGI. Mount it before any
 * body parser (at `/git`), so that `git clone http://host/git/cluster.git` works.
 */
export function gitHttpRouter(opts: GitHttpOptions): Router {
  const router = Router();
  router.use((req, res) => {
    const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const request = classifyGitRequest(req.path, rawQuery);
    if (!request.ok) {
      res.status(400).type('text/plain').send(`${request.message}\n`);
      return;
    }
    const user = basicAuthUser(req, opts.token);
    if (!user) {
      const what = request.isPush ? 'pushing to' : 'reading';
      res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="minik8s"')
        .type('text/plain')
        .send(`${what} the cluster repository needs the cluster credentials\n`);
      return;
    }
    const query = request.service ? `service=${request.service}` : '';
    runBackend(req, res, { ...opts, pathInfo: request.pathInfo, query, user }, () => {
      if (request.isPush && req.method === 'POST') opts.onPush?.(req.path.replace(/\/git-receive-pack$/, ''));
    });
  });
  return router;
}

function basicAuthUser(req: Request, token: string): string | undefined {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, sep), Buffer.from(decoded.slice(sep + 1))];
  const expected = Buffer.from(token);
  return user === GIT_USER && password.length === expected.length && timingSafeEqual(password, expected) ? user : undefined;
}

interface BackendRequest extends GitHttpOptions {
  pathInfo: string;
  query: string;
  user: string | undefined;
}

function runBackend(req: Request, res: Response, opts: BackendRequest, onDone: () => void): void {
  const { query, user } = opts;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: opts.reposRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: opts.pathInfo,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    ...(req.headers['content-length'] && { CONTENT_LENGTH: req.headers['content-length'] }),
    ...(req.headers['content-encoding'] && { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }),
    ...(req.headers['git-protocol'] && { GIT_PROTOCOL: String(req.headers['git-protocol']) }),
    ...(user && { REMOTE_USER: user }),
  };
  const child = spawn(opts.backendPath ?? '/usr/lib/git-core/git-http-backend', [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  // A client that goes away mid-request leaves nothing running behind it.
  res.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  child.stdin.on('error', () => undefined); // the backend may stop reading early on a bad request; its response says why
  child.stderr.on('data', (b: Buffer) => log.debug({ stderr: b.toString('utf8').trim() }, 'git-http-backend'));

  let head: Buffer = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, end).toString('latin1'));
    res.writeHead(status, headers);
    headersSent = true;
    const rest = head.subarray(end + 4);
    if (rest.length > 0) res.write(rest);
  });
  child.on('error', (err) => {
    log.error({ err: err.message }, 'cannot run git-http-backend');
    if (!res.headersSent) res.status(500).type('text/plain').send('git backend unavailable\n');
  });
  child.on('close', (code) => {
    if (!headersSent && !res.headersSent) res.status(500).type('text/plain').send(`git backend exited with ${code}\n`);
    else res.end();
    if (code === 0) onDone();
  });
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of text.split('\r\n')) {
    const sep = line.indexOf(':');
    if (sep < 0) continue;
    const name = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers };
}
