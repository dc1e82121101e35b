import { ReasonError } from '../../common/errors/reason-error.js';

/** `TooLarge`: an object or batch over the size limits; retrying the same write cannot succeed. */
export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'TooLarge';

/** A store failure a caller can act on: the API maps the reason to an HTTP status. */
export class StoreError extends ReasonError<StoreErrorReason> {
  constructor(reason: StoreErrorReason, message: string, options?: ErrorOptions) {
    super(reason, message, options);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, reason?: StoreErrorReason): err is StoreError {
  return err instanceof StoreError && (reason === undefined || err.reason === reason);
}
