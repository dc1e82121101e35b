/** The API as the console reads it: same origin, the session cookie standing in for the token (GET only). */

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  resourceVersion?: string;
}

export interface ApiObject {
  kind?: string;
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export class Unauthorized extends Error {}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) throw new Unauthorized('sign in');
  if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

export async function getText(path: string): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401) throw new Unauthorized('sign in');
  return res.text();
}

export async function signIn(token: string): Promise<void> {
  const res = await fetch('/console/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `sign-in failed (${res.status})`);
}

export async function signOut(): Promise<void> {
  await fetch('/console/logout', { method: 'POST', credentials: 'same-origin' });
}

/** Collections the console shows, by the names in its menu. */
export const COLLECTIONS = {
  nodes: '/api/v1/nodes',
  pods: '/api/v1/pods',
  services: '/api/v1/services',
  deployments: '/apis/apps/v1/deployments',
  functions: '/apis/minik8s.io/v1/functions',
  events: '/api/v1/events',
} as const;
export type Collection = keyof typeof COLLECTIONS;

export const keyOf = (o: ApiObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
