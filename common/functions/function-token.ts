import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiClient } from '../client/api-client.js';
import { MINIK8S_API } from '../client/api-paths.js';
import type { FunctionObject } from '../schema/index.js';

/** Where the admin reads a function's invoke token (`mkctl function token NAME`); nobody else may. */
export function functionTokenPath(namespace: string, name: string): string {
  return `${MINIK8S_API}/namespaces/${encodeURIComponent(namespace)}/functions/${encodeURIComponent(name)}/token`;
}

/** The same path as an express route. */
export const FUNCTION_TOKEN_ROUTE = `${MINIK8S_API}/namespaces/:namespace/functions/:name/token`;

/** The invoke token of a function, as the admin reads it from the API. */
export async function fetchInvokeToken(client: ApiClient, namespace: string, name: string): Promise<string> {
  return (await client.request<{ token: string }>('GET', functionTokenPath(namespace, name))).token;
}

/** What the Function's status keeps of its token: enough to check one, not to make one. */
export function invokeTokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type CallerCheck = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether an HTTP caller may call `fn`: anyone when the function is `public`, otherwise only a caller whose
 * `Authorization: Bearer` token hashes to the one in the function's status.
 */
export function checkCaller(fn: FunctionObject, authorization: string | undefined): CallerCheck {
  if (fn.spec.public) return { allowed: true };
  const expected = fn.status?.invokeTokenSha256;
  if (!expected) return { allowed: false, reason: 'the function has no invoke token yet (its controller has not run)' };
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token) return { allowed: false, reason: 'this function is private: send its invoke token as Authorization: Bearer (mkctl function token NAME)' };
  const given = Buffer.from(invokeTokenSha256(token), 'hex');
  const want = Buffer.from(expected, 'hex');
  return given.length === want.length && timingSafeEqual(given, want) ? { allowed: true } : { allowed: false, reason: 'wrong invoke token for this function' };
}
