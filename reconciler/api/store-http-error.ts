import { HttpError } from '../../common/http/http-error.js';
import { isStoreError, type StoreErrorReason } from '../store/store-error.js';

const STORE_CODES: Record<StoreErrorReason, number> = { NotFound: 404, AlreadyExists: 409, Conflict: 409, Invalid: 400, TooLarge: 413 };

/** Store failures answer by their reason: the API server's error mapper. */
export function storeHttpError(err: unknown): HttpError | undefined {
  if (!isStoreError(err)) return undefined;
  return new HttpError(STORE_CODES[err.reason], err.reason === 'TooLarge' ? 'RequestEntityTooLarge' : err.reason, err.message, { cause: err });
}
