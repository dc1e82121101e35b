import { randomBytes } from 'node:crypto';
import type { Pod, ReplicaSet } from '../../common/schema/index.js';
import { ownerReferenceTo } from './owner-references.js';
import { safeEncode } from './safe-encode.js';

/** Kubernetes keeps generated names to 63 characters: the base is cut so that its 5 random characters fit. */
const MAX_BASE_LENGTH = 58;

export function randomSuffix(): string {
  return safeEncode(randomBytes(5));
}

/** A pod of the ReplicaSet's template, named `<replicaset>-<suffix>` and owned by it. */
export function podForReplicaSet(rs: ReplicaSet, suffix: string): Pod {
  const { metadata, spec } = rs.spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-`.slice(0, MAX_BASE_LENGTH) + suffix,
      namespace: rs.metadata.namespace,
      ...(metadata?.labels && { labels: { ...metadata.labels } }),
      ...(metadata?.annotations && { annotations: { ...metadata.annotations } }),
      ownerReferences: [ownerReferenceTo(rs)],
    },
    spec: structuredClone(spec),
  };
}
