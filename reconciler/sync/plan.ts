import { isDeepStrictEqual } from 'node:util';
import {
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_FILE,
  type ApiObject,
  LABEL_MANAGED_BY,
  MANAGED_BY_GIT,
  type Namespace,
  type ObjectRef,
  refKey,
  refOf,
} from '../../common/schema/index.js';
import { withClusterAssigned } from './cluster-assigned.js';
import type { LoadedObject } from './manifest-loader.js';
import { activeNamespace, isBuiltInNamespace, terminatingNames, undeclaredNamespaces } from './namespace-lifecycle.js';

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted';

/** What the sync does with one object. `object` is what to write (for created and configured). */
export interface PlannedChange {
  action: ChangeAction;
  ref: ObjectRef;
  object?: ApiObject;
  /** The stored object, whose resourceVersion guards the write. */
  current?: ApiObject;
}

export interface SyncPlan {
  changes: PlannedChange[];
  /** Objects Git owns after this sync: the next sync prunes against it. */
  inventory: string[];
  /** Namespaces the cluster creates besides Git's: the built-in ones and those Git's objects use undeclared. */
  provisioned: Namespace[];
  counts: { created: number; configured: number; unchanged: number; pruned: number };
}

export interface PlanInput {
  revision: string;
  desired: readonly LoadedObject[];
  /** Every stored object of the kinds Git may hold; the plan decides which of them Git owns. */
  current: readonly ApiObject[];
  previousInventory: readonly string[];
  /** Files that failed validation: the objects they held are left as they are. */
  failedFiles: readonly string[];
}

/**
 * Diffs the manifests of a revision against what the store holds, in the manner of Flux's change set.
 * Status and server-assigned metadata are not compared, nor the source commit, so an object that a
 * commit did not touch stays `unchanged`. Only objects Git owns (in the previous inventory or labelled
 * as managed by Git) are pruned; objects controllers made are never touched.
 */
export function planSync(input: PlanInput): SyncPlan {
  const currentByKey = new Map(input.current.map((o) => [refKey(refOf(o)), o]));
  const previous = new Set(input.previousInventory);
  const failed = new Set(input.failedFiles);
  const changes: PlannedChange[] = [];
  const inventory = new Set<string>();
  const terminating = terminatingNames(input.current);

  for (const loaded of input.desired) {
    const ref = refOf(loaded.object);
    const key = refKey(ref);
    inventory.add(key);
    const current = currentByKey.get(key);
    // A namespace being deleted, and what Git puts in it, wait until it is gone; a later sync creates them afresh.
    if (terminating.has(ref.kind === 'Namespace' ? ref.name : (ref.namespace ?? ''))) {
      if (current) changes.push({ action: 'unchanged', ref, current });
      continue;
    }
    const desired = current ? withClusterAssigned(fromGit(loaded, input.revision), current) : fromGit(loaded, input.revision);
    if (!current) changes.push({ action: 'created', ref, object: desired });
    else if (isDeepStrictEqual(comparable(desired), comparable(current))) changes.push({ action: 'unchanged', ref, current });
    else changes.push({ action: 'configured', ref, object: withIdentityOf(current, desired), current });
  }

  for (const [key, current] of currentByKey) {
    if (inventory.has(key) || !(previous.has(key) || isManagedByGit(current))) continue;
    if (failed.has(current.metadata.annotations?.[ANNOTATION_SOURCE_FILE] ?? '')) {
      inventory.add(key); // its manifest is broken in this revision: keep the last good version
      continue;
    }
    // A built-in namespace is never deleted; a terminating one is on its way already.
    if (current.kind === 'Namespace' && (isBuiltInNamespace(current.metadata.name) || terminating.has(current.metadata.name))) continue;
    changes.push({ action: 'deleted', ref: refOf(current), current });
  }

  const count = (a: ChangeAction) => changes.filter((c) => c.action === a).length;
  return {
    changes,
    inventory: [...inventory].sort(),
    provisioned: undeclaredNamespaces(
      input.desired.map((l) => l.object),
      input.current,
    ).map(activeNamespace),
    counts: { created: count('created'), configured: count('configured'), unchanged: count('unchanged'), pruned: count('deleted') },
  };
}

export function isManagedByGit(o: ApiObject): boolean {
  return o.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_GIT;
}

/** The object as Git wants it: the manifest, marked with its source, without anything the server owns. */
function fromGit({ object, file }: LoadedObject, revision: string): ApiObject {
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _c, deletionTimestamp: _d, generation: _g, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object as ApiObject & { status?: unknown };
  return {
    ...rest,
    metadata: {
      ...metadata,
      labels: { ...metadata.labels, [LABEL_MANAGED_BY]: MANAGED_BY_GIT },
      annotations: { ...metadata.annotations, [ANNOTATION_SOURCE_FILE]: file, [ANNOTATION_SOURCE_COMMIT]: revision },
    },
  } as ApiObject;
}

/** What the diff looks at: JSON-normalised, without status, server-assigned metadata or the source commit. */
function comparable(o: ApiObject): unknown {
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _c, deletionTimestamp: _d, generation: _g, ...metadata } = o.metadata;
  const { [ANNOTATION_SOURCE_COMMIT]: _commit, ...annotations } = metadata.annotations ?? {};
  const { status: _s, ...rest } = o as ApiObject & { status?: unknown };
  return JSON.parse(JSON.stringify({ ...rest, metadata: { ...metadata, annotations } }));
}

/** An update keeps the stored object's identity and status; generation moves on when the spec changed. */
function withIdentityOf(current: ApiObject, desired: ApiObject): ApiObject {
  const specChanged =
    'spec' in current && 'spec' in desired && !isDeepStrictEqual(JSON.parse(JSON.stringify(current.spec)), JSON.parse(JSON.stringify(desired.spec)));
  const status = (current as { status?: unknown }).status;
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
    },
    ...(status !== undefined && { status }),
  } as ApiObject;
}
