import { isDeepStrictEqual } from 'node:util';
import type { ApiClient } from '../../common/client/api-client.js';
import { createLogger, type Logger } from '../../common/log/log.js';
import type { Node } from '../../common/schema/index.js';
import type { NodeCapacity } from '../runtime/pod-runtime.js';
import { type NodeStatus, nodeStatus } from './node-status.js';

export type NodeApi = Pick<ApiClient, 'get' | 'create' | 'update' | 'updateStatus' | 'watch'>;

export interface NodeRegistrationOptions {
  api: NodeApi;
  nodeName: string;
  labels: Record<string, string>;
  nodeIP: string;
  agentPort: number;
  capacity: NodeCapacity;
  heartbeatMs: number;
  log?: Logger;
  clock?: () => number;
}

/**
 * The node's registration and heartbeat: creates or updates its Node (labels from the config),
 * then writes its status with a fresh heartbeat every `heartbeatMs` (the control plane marks a
 * node NotReady when heartbeats stop).
 */
export class NodeRegistration {
  readonly #opts: NodeRegistrationOptions;
  readonly #log: Logger;
  readonly #clock: () => number;
  #status: NodeStatus | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: NodeRegistrationOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? createLogger('node-registration', { node: opts.nodeName });
    this.#clock = opts.clock ?? Date.now;
  }

  /** Joins the cluster; returns the Node as the API holds it (with `spec.podCIDR` when allocated). */
  async register(): Promise<Node> {
    const { api, nodeName, labels } = this.#opts;
    const existing = await api.get({ kind: 'Node', name: nodeName });
    this.#status = existing?.status;
    if (!existing) {
      await api.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels }, spec: {} });
    } else if (!isDeepStrictEqual(existing.metadata.labels ?? {}, labels)) {
      await api.update<Node>({ ...existing, metadata: { ...existing.metadata, labels } });
    }
    return this.heartbeat();
  }

  /** Writes the status with a fresh heartbeat. */
  async heartbeat(): Promise<Node> {
    const { api, nodeName, nodeIP, agentPort, capacity } = this.#opts;
    const status = nodeStatus({ nodeName, nodeIP, agentPort, capacity, previous: this.#status, now: this.#clock() });
    const node = await api.updateStatus({ kind: 'Node', name: nodeName }, status);
    this.#status = status;
    return node;
  }

  /** Heartbeats until `stop`; a failed one is logged, and the next one tries again. */
  startHeartbeat(): void {
    this.#timer = setInterval(() => {
      this.heartbeat().catch((err: Error) => this.#log.warn({ err: err.message }, 'heartbeat failed'));
    }, this.#opts.heartbeatMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
