import { createHash } from 'node:crypto';
import type { PodTemplate } from '../../common/schema/index.js';
import { safeEncode } from './safe-encode.js';

/** The label that ties a Deployment's ReplicaSet and its pods to one version of the pod template. */
export const LABEL_POD_TEMPLATE_HASH = 'pod-template-hash';

/** JSON with object keys sorted, so equal templates serialize equally whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** A short, stable name for a pod template: the same template always gives the same hash, across restarts too. */
export function podTemplateHash(template: PodTemplate): string {
  return safeEncode(createHash('sha256').update(canonicalJson(template)).digest().subarray(0, 10));
}
