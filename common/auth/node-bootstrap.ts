/** Where a node agent trades the bootstrap token for its own credentials (reconciler/auth/bootstrap-router.ts). */
export const BOOTSTRAP_PATH = '/minik8s/v1/bootstrap/node';

/** What a joining node gets for its bootstrap token. */
export interface NodeBootstrapAnswer {
  nodeName: string;
  /** The node's own credential for the API (what the Node authorizer knows it by). */
  token: string;
  /** What the API server presents to this node's agent for logs and exec; the agent accepts only it. */
  agentToken: string;
}
