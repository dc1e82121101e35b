import { isDeepStrictEqual } from 'node:util';

/** Whether writing `next` would change the stored status (compared as JSON: a key set to undefined is an absent key). */
export function statusChanged(current: unknown, next: unknown): boolean {
  return !isDeepStrictEqual(JSON.parse(JSON.stringify(current ?? {})), JSON.parse(JSON.stringify(next ?? {})));
}
