import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log/log.js';
import { type ErrorMapper, HttpError, toHttpError } from './http-error.js';

/** Express error middleware answering with a Kubernetes `Status`; never a stack trace. */
export function errorHandler(log: Logger, mapError?: ErrorMapper): ErrorRequestHandler {
  return (err, req, res, next) => {
    const e = toHttpError(err, mapError);
    if (e.code >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return next(err);
    res.status(e.code).json(e.toStatus());
  };
}

/** The 404 for paths no route serves, in the same shape as every other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'NotFound', `the server could not find the requested resource (${req.method} ${req.path})`));
};
