import { ReasonError } from '../errors/reason-error.js';

/** A failed API call: the server's `Status` (status code, reason, message), or `Unreachable` with status 0. */
export class ApiError extends ReasonError {
  constructor(
    readonly status: number,
    reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(reason, message, options);
    this.name = 'ApiError';
  }
}

export function isApiError(err: unknown, reason?: string): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.reason === reason);
}
