import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens the control plane derives from cluster.json's `tokenKey` instead of storing them:
 * `<purpose>.<name>.<HMAC-SHA256(key, "<purpose>:<name>")>`. Checking one needs only the key, so
 * nothing has to be kept in etcd; changing the key revokes them all. Each purpose has its own MAC
 * input, so a token for one purpose is never valid for another.
 *   node       a node agent's credential for the API (given once, at join, for the bootstrap token)
 *   agent      what the API server presents to that node's agent (logs and exec)
 *   component  a cluster component's credential (the gateway, ...)
 *   function   the bearer token that calls one private function through the gateway (name: NS/NAME)
 */
export type TokenPurpose = 'node' | 'agent' | 'component' | 'function';

function mac(key: string, purpose: TokenPurpose, name: string): string {
  return createHmac('sha256', key).update(`${purpose}:${name}`).digest('hex');
}

export function scopedToken(key: string, purpose: TokenPurpose, name: string): string {
  return `${purpose}.${name}.${mac(key, purpose, name)}`;
}

/** The name a token was made for, when it is a valid token of `purpose`; undefined otherwise. */
export function verifyScopedToken(key: string, purpose: TokenPurpose, token: string): string | undefined {
  if (!token.startsWith(`${purpose}.`)) return undefined;
  const dot = token.lastIndexOf('.');
  const name = token.slice(purpose.length + 1, dot);
  if (dot <= purpose.length || !name) return undefined;
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(key, purpose, name));
  return given.length === expected.length && timingSafeEqual(given, expected) ? name : undefined;
}
