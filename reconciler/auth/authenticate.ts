import { timingSafeEqual } from 'node:crypto';
import { type Identity, isComponentName } from './identity.js';
import { verifyScopedToken } from './scoped-tokens.js';

/** Maps a bearer token to who holds it; undefined for a token nobody was given. */
export type Authenticator = (token: string) => Identity | undefined;

export interface ClusterSecrets {
  /** cluster.json's token: mkctl's. */
  adminToken: string;
  /** cluster.json's joinToken. */
  bootstrapToken: string;
  /** cluster.json's tokenKey, for node and component tokens. */
  tokenKey: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The control plane's authenticator: the two tokens of cluster.json, and the tokens derived from its key. */
export function clusterAuthenticator(secrets: ClusterSecrets): Authenticator {
  return (token) => {
    if (same(token, secrets.adminToken)) return { type: 'admin' };
    if (same(token, secrets.bootstrapToken)) return { type: 'bootstrap' };
    const nodeName = verifyScopedToken(secrets.tokenKey, 'node', token);
    if (nodeName !== undefined) return { type: 'node', nodeName };
    const component = verifyScopedToken(secrets.tokenKey, 'component', token);
    if (component !== undefined && isComponentName(component)) return { type: 'component', component };
    return undefined;
  };
}
