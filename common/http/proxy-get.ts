import { request } from 'node:http';
import type { Response } from 'express';
import { HttpError } from './http-error.js';

/**
 * Forwards a GET to `url` and pipes the answer (status, content type, body) into `res`; resolves once
 * the answer is being piped, rejects with a 502 when the upstream cannot be reached in `timeoutMs`.
 */
export function proxyGet(url: URL, res: Response, opts: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = request(url, { method: 'GET', headers: opts.headers ?? {}, timeout: opts.timeoutMs ?? 10_000 }, (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const h of ['content-type', 'content-encoding'] as const) if (answer.headers[h]) res.set(h, String(answer.headers[h]));
      answer.pipe(res);
      resolve();
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer in ${opts.timeoutMs ?? 10_000} ms`)));
    upstream.on('error', (err) => reject(new HttpError(502, 'InternalError', `${url.host} did not answer: ${err.message}`)));
    res.on('close', () => upstream.destroy());
    upstream.end();
  });
}
