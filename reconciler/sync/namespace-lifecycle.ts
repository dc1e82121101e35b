import type { ApiObject, Namespace } from '../../common/schema/index.js';
import { SYSTEM_NAMESPACE } from '../../common/schema/system-services.js';

/** The namespaces every cluster has, whether or not Git declares them (Kubernetes' own, and minik8s' system one). */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', SYSTEM_NAMESPACE] as const;

/** A Namespace as the cluster creates it: for a built-in one, or for one Git's objects use without declaring it. */
export function activeNamespace(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/**
 * Kubernetes' first step of deleting a namespace: it is marked (deletionTimestamp, phase Terminating) and
 * stays while the namespace controller deletes what it holds; only then does the Namespace itself go.
 */
export function terminatingNamespace(ns: Namespace, now: string): Namespace {
  return { ...ns, metadata: { ...ns.metadata, deletionTimestamp: ns.metadata.deletionTimestamp ?? now }, status: { phase: 'Terminating' } };
}

/** The names of the stored namespaces being deleted. */
export function terminatingNames(current: readonly ApiObject[]): Set<string> {
  return new Set(current.filter((o) => o.kind === 'Namespace' && o.metadata.deletionTimestamp).map((o) => o.metadata.name));
}

/**
 * The namespaces the sync creates: those Git's objects live in without declaring them (as Kubernetes'
 * NamespaceAutoProvision does), unless Git or the store holds them; the built-in ones the control plane makes.
 */
export function undeclaredNamespaces(desired: readonly ApiObject[], current: readonly ApiObject[]): string[] {
  const known = new Set<string>(BUILT_IN_NAMESPACES);
  for (const o of [...desired, ...current]) if (o.kind === 'Namespace') known.add(o.metadata.name);
  const used = new Set(desired.flatMap((o) => (o.metadata.namespace && !known.has(o.metadata.namespace) ? [o.metadata.namespace] : [])));
  return [...used].sort();
}

export const isBuiltInNamespace = (name: string): boolean => (BUILT_IN_NAMESPACES as readonly string[]).includes(name);
