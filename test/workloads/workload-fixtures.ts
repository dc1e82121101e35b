import type { Deployment, Pod, ReplicaSet } from '../../common/schema/index.js';
import { parseObjectOfKind } from '../../common/schema/index.js';
import { ownerReferenceTo } from '../../reconciler/workloads/owner-references.js';
import { makePod } from '../helpers/fixtures.js';

export interface PodShape {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Failed' | 'Succeeded' | 'Unknown';
  ready?: boolean;
  readySince?: string;
  restarts?: number;
  created?: string;
  owner?: ReplicaSet;
}

/** A pod in the state a test needs: bound or not, phase, readiness (with its time), restarts, age, owner. */
export function pod(name: string, shape: PodShape = {}): Pod {
  const base = makePod(name, { ...(shape.node && { nodeName: shape.node }) });
  return {
    ...base,
    metadata: {
      ...base.metadata,
      ...(shape.created && { creationTimestamp: shape.created }),
      ...(shape.owner && { ownerReferences: [ownerReferenceTo(shape.owner)] }),
    },
    status: {
      phase: shape.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: shape.ready ? 'True' : 'False', ...(shape.readySince && { lastTransitionTime: shape.readySince }) }],
      containerStatuses: [{ name: 'c', image: 'busybox:latest', ready: shape.ready ?? false, restartCount: shape.restarts ?? 0, state: {} }],
    },
  };
}

/** A Deployment parsed as the sync would store it (schema defaults applied). */
export function deployment(name: string, spec: Record<string, unknown> = {}, image = 'busybox:latest'): Deployment {
  const parsed = parseObjectOfKind('Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...spec,
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.object;
}
