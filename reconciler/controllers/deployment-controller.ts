import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import { controllerRef } from '../../common/controller/owner-key.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { type Deployment, type Pod, type ReplicaSet, refOf } from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import type { ObjectStore } from '../store/object-store.js';
import { ANNOTATION_REVISION, replicaSetFor, replicaSetNameFor, replicaSetsBeyondHistory, revisionOf } from '../workloads/deployment-replica-set.js';
import { deploymentCounts, nextDeploymentStatus } from '../workloads/deployment-status.js';
import { claimedObjects } from '../workloads/owner-references.js';
import { countPods } from '../workloads/pod-availability.js';
import { deploymentStrategy, type ReplicaSetState, rolloutStep, type ScaleChange } from '../workloads/rollout-step.js';
import { statusChanged } from '../workloads/status-changed.js';

const SOURCE = { component: 'deployment-controller' };

export interface DeploymentControllerDeps {
  store: ObjectStore;
  deployments: Informer<'Deployment'>;
  replicaSets: Informer<'ReplicaSet'>;
  log: Logger;
}

const byCreation = (a: ReplicaSet, b: ReplicaSet) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '');

/**
 * Runs each Deployment through ReplicaSets: one per pod template (`<name>-<hash>`), scaled one rollout
 * step at a time (`rolloutStep`) as pods become available, old ones kept to `revisionHistoryLimit`, and
 * the status with its Available/Progressing conditions. Pods and ReplicaSets are read from the store;
 * the ReplicaSet informer only says when to look (their status moves when their pods do).
 */
export class DeploymentController extends Controller<'Deployment'> {
  readonly #deps: DeploymentControllerDeps;

  constructor(deps: DeploymentControllerDeps) {
    super('Deployment', 'deployment', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.watch(deps.deployments);
    this.watchOwned(deps.replicaSets);
  }

  protected read(ref: KindRef<'Deployment'>): Promise<Deployment | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'Deployment'>, d: Deployment | undefined): Promise<ReconcileResult> {
    const { store } = this.#deps;
    const { owned, orphans } = claimedObjects((await store.list('ReplicaSet', ref.namespace)).items, 'Deployment', ref.name, d);
    // Their pods follow through the ReplicaSet controller.
    for (const rs of orphans) await store.delete(refOf(rs));
    if (!d) return {};
    return this.#rollout(ref, d, owned, (await store.list('Pod', ref.namespace)).items);
  }

  async #rollout(ref: KindRef<'Deployment'>, d: Deployment, owned: ReplicaSet[], pods: Pod[]): Promise<ReconcileResult> {
    const { store } = this.#deps;
    const now = Date.now();
    const minReadySeconds = d.spec.minReadySeconds ?? 0;
    const podsOf = (rs: ReplicaSet) => pods.filter((p) => controllerRef(p)?.uid === rs.metadata.uid);
    const state = (rs: ReplicaSet): ReplicaSetState => {
      const c = countPods(podsOf(rs), minReadySeconds, now);
      return { name: rs.metadata.name, replicas: rs.spec.replicas, available: Math.min(rs.spec.replicas, c.availableReplicas), pods: c.replicas };
    };
    const newName = replicaSetNameFor(d);
    const existing = owned.find((rs) => rs.metadata.name === newName);
    const old = owned.filter((rs) => rs !== existing).sort(byCreation);
    const strategy = deploymentStrategy(d);
    const changes = rolloutStep(
      { replicas: d.spec.replicas, newRS: existing ? state(existing) : { name: newName, replicas: 0, available: 0, pods: 0 }, oldRSs: old.map(state) },
      strategy,
    );
    const revision = Math.max(0, ...old.map(revisionOf)) + 1;
    const target = (rs: ReplicaSet) => changes.find((c) => c.name === rs.metadata.name)?.to ?? rs.spec.replicas;

    let newRS: ReplicaSet;
    if (existing) {
      // Back to an earlier template (a revert): its ReplicaSet becomes the newest revision again.
      newRS = await this.#update(d, existing, { replicas: target(existing), revision: Math.max(revisionOf(existing), revision) });
    } else {
      const to = changes.find((c) => c.name === newName)?.to ?? 0;
      newRS = await store.create(replicaSetFor(d, to, revision));
      if (to > 0) await this.#scaled(d, { name: newName, from: 0, to });
    }
    const replicaSets = [newRS, ...(await Promise.all(old.map((rs) => this.#update(d, rs, { replicas: target(rs) }))))];
    if (changes.length === 0 && existing)
      for (const rs of replicaSetsBeyondHistory(
        old.map((rs) => ({ rs, pods: podsOf(rs).length })),
        d.spec.revisionHistoryLimit,
      ))
        await store.delete(refOf(rs));

    const specReplicas = replicaSets.reduce((n, rs) => n + rs.spec.replicas, 0);
    const counts = deploymentCounts(existing ? podsOf(existing) : [], owned.flatMap(podsOf), specReplicas, minReadySeconds, now);
    const next = nextDeploymentStatus({
      deployment: d,
      counts,
      newRSName: newName,
      createdNewRS: !existing,
      maxUnavailable: strategy.maxUnavailable,
      now: new Date(now),
    });
    if (statusChanged(d.status, next.status)) await store.updateStatus(ref, next.status);
    return next.requeueAfterMs === undefined ? {} : { requeueAfterMs: next.requeueAfterMs };
  }

  /** Writes a ReplicaSet's replicas (and revision) when they differ, guarded by its resourceVersion. */
  async #update(d: Deployment, rs: ReplicaSet, want: { replicas: number; revision?: number }): Promise<ReplicaSet> {
    const revision = want.revision === undefined ? rs.metadata.annotations?.[ANNOTATION_REVISION] : String(want.revision);
    if (rs.spec.replicas === want.replicas && rs.metadata.annotations?.[ANNOTATION_REVISION] === revision) return rs;
    const updated = await this.#deps.store.update<ReplicaSet>({
      ...rs,
      metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, ...(revision !== undefined && { [ANNOTATION_REVISION]: revision }) } },
      spec: { ...rs.spec, replicas: want.replicas },
    });
    if (rs.spec.replicas !== want.replicas) await this.#scaled(d, { name: rs.metadata.name, from: rs.spec.replicas, to: want.replicas });
    return updated;
  }

  #scaled(d: Deployment, c: ScaleChange) {
    return recordEvent(
      this.#deps.store,
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${c.to > c.from ? 'up' : 'down'} replica set ${c.name} from ${c.from} to ${c.to}`,
      SOURCE,
    );
  }
}
