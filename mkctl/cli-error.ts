import { ApiError } from '../common/client/api-error.js';

/** The one line a failed command prints, kubectl's way: the server's reason when it answered, `error:` otherwise. */
export function formatCliError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.reason === 'Unreachable') return `error: ${err.message}; is it up? (npm start)`;
    return `Error from server (${err.reason}): ${err.message}`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
