/**
 * An error a caller can act on by its reason, one of Kubernetes' Status reasons (`NotFound`,
 * `Conflict`, ...). The store's, the API client's and the HTTP layer's errors are all of this shape,
 * so a policy such as "a conflict is retried quietly" is written once for all of them.
 */
export class ReasonError<R extends string = string> extends Error {
  constructor(
    readonly reason: R,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ReasonError';
  }
}

/** Whether `err` is a ReasonError with this reason (any of them when none is given). */
export function hasReason(err: unknown, reason?: string): err is ReasonError {
  return err instanceof ReasonError && (reason === undefined || err.reason === reason);
}
