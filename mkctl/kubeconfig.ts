import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** The API's https URL. */
  server: string;
  /** The cluster CA's PEM, embedded as certificate-authority-data. */
  ca: string;
  token: string;
  /** Cluster, user and context names (default: minik8s). */
  name?: string;
  namespace?: string;
}

/**
 * A kubeconfig that kubectl and the client libraries (Python `kubernetes`, client-go, client-node) take
 * as it is: the server, the CA inline (so the file works from any directory or machine) and a bearer
 * token, in one context made current.
 */
export function kubeconfig({ server, ca, token, name = 'minik8s', namespace = 'default' }: KubeconfigInput): string {
  const user = `${name}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name, context: { cluster: name, user, namespace } }],
    'current-context': name,
    preferences: {},
  });
}
