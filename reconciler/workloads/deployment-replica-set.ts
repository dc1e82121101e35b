import type { Deployment, ReplicaSet } from '../../common/schema/index.js';
import { ownerReferenceTo } from './owner-references.js';
import { LABEL_POD_TEMPLATE_HASH, podTemplateHash } from './pod-template-hash.js';

/** Which rollout a ReplicaSet of a Deployment belongs to: 1, 2, …, the highest being the current template's. */
export const ANNOTATION_REVISION = 'deployment.kubernetes.io/revision';

export function revisionOf(rs: ReplicaSet): number {
  return Number.parseInt(rs.metadata.annotations?.[ANNOTATION_REVISION] ?? '', 10) || 0;
}

/** `<deployment>-<pod-template-hash>`: one name per template, so going back to a template finds its old ReplicaSet. */
export function replicaSetNameFor(d: Deployment): string {
  return `${d.metadata.name}-${podTemplateHash(d.spec.template)}`;
}

/** The ReplicaSet that runs a Deployment's current template: its labels and selector carry the template hash. */
export function replicaSetFor(d: Deployment, replicas: number, revision: number): ReplicaSet {
  const hash = podTemplateHash(d.spec.template);
  const labels = { ...d.spec.template.metadata?.labels, [LABEL_POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetNameFor(d),
      namespace: d.metadata.namespace,
      labels,
      annotations: { [ANNOTATION_REVISION]: String(revision) },
      ownerReferences: [ownerReferenceTo(d)],
    },
    spec: {
      replicas,
      ...(d.spec.minReadySeconds !== undefined && { minReadySeconds: d.spec.minReadySeconds }),
      selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [LABEL_POD_TEMPLATE_HASH]: hash } },
      template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
    },
  };
}

/**
 * Old ReplicaSets beyond `revisionHistoryLimit`, to delete: only those scaled to 0 with no pods left,
 * the lowest revisions first.
 */
export function replicaSetsBeyondHistory(old: readonly { rs: ReplicaSet; pods: number }[], limit: number): ReplicaSet[] {
  const idle = old.filter((o) => o.rs.spec.replicas === 0 && o.pods === 0).map((o) => o.rs);
  return idle.sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, Math.max(0, idle.length - limit));
}
