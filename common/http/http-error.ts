import { ReasonError } from '../errors/reason-error.js';

/** The reasons a Kubernetes `Status` carries, as minik8s uses them. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'Expired'
  | 'Timeout'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'InternalError'
  | 'ServiceUnavailable';

/** Machine-readable detail of a `Status`, as Kubernetes' `StatusDetails`. */
export interface StatusDetails {
  name?: string;
  kind?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** Kubernetes' error body: what every failing request of the API answers with. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  status: 'Failure';
  message: string;
  reason: StatusReason;
  code: number;
  details?: StatusDetails;
}

/** An error that is the client's answer: a status code, a reason and a plain message. */
export class HttpError extends ReasonError<StatusReason> {
  constructor(
    readonly code: number,
    reason: StatusReason,
    message: string,
    options?: ErrorOptions & { details?: StatusDetails },
  ) {
    super(reason, message, options);
    this.name = 'HttpError';
    this.details = options?.details;
  }

  readonly details: StatusDetails | undefined;

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
      ...(this.details && { details: this.details }),
    };
  }
}

/** Turns a server's own error types (the store's, say) into answers; undefined for errors it does not know. */
export type ErrorMapper = (err: unknown) => HttpError | undefined;

/**
 * The one place errors become HTTP answers: the server's own errors through its mapper, body-parser
 * failures (bad JSON, too large) by their status, anything else a 500 whose detail stays in the log.
 */
export function toHttpError(err: unknown, mapError?: ErrorMapper): HttpError {
  if (err instanceof HttpError) return err;
  const mapped = mapError?.(err);
  if (mapped) return mapped;
  const status = (err as { status?: unknown; type?: unknown } | null)?.status;
  if (status === 413) {
    const limit = (err as { limit?: unknown }).limit;
    return new HttpError(413, 'RequestEntityTooLarge', `request body is over the limit${typeof limit === 'number' ? ` of ${limit} bytes` : ''}`, {
      cause: err,
    });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const detail = (err as { type?: unknown }).type === 'entity.parse.failed' ? 'request body is not valid JSON' : (err as Error).message;
    return new HttpError(400, 'BadRequest', detail, { cause: err });
  }
  return new HttpError(500, 'InternalError', 'internal error; see the control plane log', { cause: err });
}
