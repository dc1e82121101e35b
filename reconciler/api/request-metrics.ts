import type { RequestHandler } from 'express';
import { counter, histogram, secondsSince } from '../../common/metrics/registry.js';
import { requestLabels } from './request-labels.js';

const requests = counter({ name: 'apiserver_request_total', help: 'API requests by verb, kind and HTTP status.', labelNames: ['verb', 'kind', 'code'] });
const latency = histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'API request latency by verb and kind (watches and log/exec streams are long-running and left out).',
  labelNames: ['verb', 'kind'],
});

const longRunning = (verb: string, kind: string) => verb === 'watch' || kind.endsWith('/log') || kind.endsWith('/exec');

/** Counts every request once it is answered (or its connection closes), as Kubernetes' apiserver does. */
export function requestMetrics(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    // Now, before routers rewrite req.url for their mounts.
    const { verb, kind } = requestLabels(req.method, req.path, req.query.watch === 'true' || req.query.watch === '1');
    res.once('close', () => {
      requests.inc({ verb, kind, code: String(res.statusCode) });
      if (!longRunning(verb, kind)) latency.observe({ verb, kind }, secondsSince(start));
    });
    next();
  };
}
