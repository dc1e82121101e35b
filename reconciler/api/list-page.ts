import { HttpError } from '../../common/http/http-error.js';
import type { ApiObject } from '../../common/schema/index.js';

/** Where the next page starts: after this object (`namespace/name`, the store's order). */
interface ContinueToken {
  after: string;
}

const keyOf = (o: ApiObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function decodeToken(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof t.after === 'string') return { after: t.after };
  } catch {
    // Falls through to the refusal: a token this server did not make.
  }
  throw new HttpError(400, 'BadRequest', 'continue token is not valid; list again without it');
}

/**
 * One page of a list for `limit`/`continue`: up to `limit` objects after the token's, with a token for the
 * rest. Each page is read from the latest state, so an object created meanwhile behind the cursor shows up
 * on a later page (Kubernetes instead serves every page from the first page's revision).
 */
export function listPage<T extends ApiObject>(
  items: readonly T[],
  opts: { limit?: number; continue?: string },
): { items: T[]; continue?: string; remaining?: number } {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const after = opts.continue === undefined ? undefined : decodeToken(opts.continue).after;
  const rest = after === undefined ? sorted : sorted.filter((o) => keyOf(o) > after);
  if (opts.limit === undefined || rest.length <= opts.limit) return { items: rest };
  const page = rest.slice(0, opts.limit);
  return { items: page, continue: Buffer.from(JSON.stringify({ after: keyOf(page.at(-1)!) })).toString('base64url'), remaining: rest.length - page.length };
}
