import type { Informer } from '../../common/client/informer.js';
import { Controller, type KindRef } from '../../common/controller/controller.js';
import type { ReconcileResult } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import {
  ANNOTATION_REPLICAS_MANAGED_BY,
  type Condition,
  type Deployment,
  type HorizontalPodAutoscaler,
  type Pod,
  type ReplicaSet,
  selectorMatches,
} from '../../common/schema/index.js';
import { recordEvent, storeEventRecorder } from '../api/events.js';
import { type AutoscaleDecision, autoscale, type HpaCondition } from '../autoscaling/autoscale.js';
import { metricOf, type PodMetric, podMetricsFrom } from '../autoscaling/pod-metrics.js';
import type { ScalingHistory } from '../autoscaling/scaling-behavior.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStoreError } from '../store/store-error.js';
import { statusChanged } from '../workloads/status-changed.js';

const SOURCE = { component: 'horizontal-pod-autoscaler' };
type HpaStatus = NonNullable<HorizontalPodAutoscaler['status']>;
type Target = Deployment | ReplicaSet;

export interface HpaOptions {
  /** How often each HPA looks at its metrics again (Kubernetes: 15 s; the agents report every 5 s). */
  syncPeriodMs: number;
  /** A node's report older than this no longer counts: its pods are taken as having no metrics. */
  metricsMaxAgeMs: number;
}

export const defaultHpaOptions: HpaOptions = { syncPeriodMs: 5000, metricsMaxAgeMs: 30_000 };

export interface HpaControllerDeps {
  store: ObjectStore;
  hpas: Informer<'HorizontalPodAutoscaler'>;
  pods: Informer<'Pod'>;
  metrics: Informer<'NodeMetrics'>;
  log: Logger;
  options?: Partial<HpaOptions>;
}

/** Sets conditions as Kubernetes' HPA does: the transition time moves only when the status does. */
function withConditions(old: readonly Condition[], next: readonly HpaCondition[], now: string): Condition[] {
  const order = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];
  const merged = new Map(old.map((c) => [c.type, c]));
  for (const c of next) {
    const was = merged.get(c.type);
    merged.set(c.type, { ...c, lastTransitionTime: was?.status === c.status ? (was.lastTransitionTime ?? now) : now });
  }
  return [...merged.values()].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

const isManaged = (t: Target) => t.metadata.annotations?.[ANNOTATION_REPLICAS_MANAGED_BY] === 'hpa';

/**
 * Scales each HorizontalPodAutoscaler's Deployment or ReplicaSet from its pods' usage (the NodeMetrics the
 * agents write): the decision is `autoscale`'s, the target's `spec.replicas` is written through the store
 * with the `minik8s.io/replicas-managed-by: hpa` annotation (so Git sync keeps the count), and the HPA's
 * status and a SuccessfulRescale event say what happened. Metrics have no watch worth following, so each
 * HPA is looked at every sync period. Recommendations and scale events live in memory, as in Kubernetes.
 */
export class HpaController extends Controller<'HorizontalPodAutoscaler'> {
  readonly #deps: HpaControllerDeps;
  readonly #options: HpaOptions;
  readonly #history = new Map<string, ScalingHistory>();
  readonly #generations = new Map<string, number | undefined>();

  constructor(deps: HpaControllerDeps) {
    super('HorizontalPodAutoscaler', 'hpa', { log: deps.log, recordEvent: storeEventRecorder(deps.store) });
    this.#deps = deps;
    this.#options = { ...defaultHpaOptions, ...deps.options };
    // Its own status writes must not bring an HPA back early (its period paces it): only new specs do.
    this.watch(deps.hpas, (e) => {
      const generation = e.object.metadata.generation;
      if (e.type !== 'DELETED' && this.#generations.get(e.key) === generation) return undefined;
      if (e.type === 'DELETED') this.#generations.delete(e.key);
      else this.#generations.set(e.key, generation);
      return e.key;
    });
  }

  protected read(ref: KindRef<'HorizontalPodAutoscaler'>): Promise<HorizontalPodAutoscaler | undefined> {
    return this.#deps.store.get(ref);
  }

  protected async sync(ref: KindRef<'HorizontalPodAutoscaler'>, hpa: HorizontalPodAutoscaler | undefined, key: string): Promise<ReconcileResult> {
    const { store } = this.#deps;
    if (!hpa) {
      this.#history.delete(key);
      await this.#releaseTargets(ref.namespace ?? 'default');
      return {};
    }
    const requeue = { requeueAfterMs: this.#options.syncPeriodMs };
    const { kind, name } = hpa.spec.scaleTargetRef;
    const target = await store.get({ kind, namespace: ref.namespace, name });
    const now = Date.now();
    if (!target) {
      const message = `the HPA controller was unable to get the target's current scale: ${kind.toLowerCase()}s "${name}" not found`;
      await recordEvent(store, hpa, 'Warning', 'FailedGetScale', message, SOURCE);
      await this.#writeStatus(hpa, {
        ...hpa.status,
        conditions: withConditions(
          hpa.status?.conditions ?? [],
          [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message }],
          new Date(now).toISOString(),
        ),
      });
      return requeue;
    }

    const pods = this.#podsOf(target);
    const decision = autoscale({ hpa, currentReplicas: target.spec.replicas, pods, metrics: this.#metricsOf(pods, now), history: this.#history.get(key), now });
    // A target that changed under us (its status moves with its pods) fails the write with a conflict:
    // the queue runs this again, deciding on what the target is then.
    await this.#scale(hpa, target, decision);
    this.#history.set(key, decision.history);
    if (decision.warning) await recordEvent(store, hpa, 'Warning', decision.warning.reason, decision.warning.message, SOURCE);
    const stamp = new Date(now).toISOString();
    const lastScaleTime = decision.rescale ? stamp : hpa.status?.lastScaleTime;
    await this.#writeStatus(hpa, {
      currentReplicas: target.spec.replicas,
      desiredReplicas: decision.desiredReplicas,
      currentMetrics: decision.currentMetrics,
      ...(lastScaleTime && { lastScaleTime }),
      conditions: withConditions(hpa.status?.conditions ?? [], decision.conditions, stamp),
    });
    return requeue;
  }

  /** The pods the target's selector selects, from the cache: as fresh as the metrics they are paired with. */
  #podsOf(target: Target) {
    return this.#deps.pods.list().filter((p) => p.metadata.namespace === target.metadata.namespace && selectorMatches(target.spec.selector, p.metadata.labels));
  }

  /** Usage by pod name, of the pods given. */
  #metricsOf(pods: readonly Pod[], now: number): Map<string, PodMetric> {
    const all = podMetricsFrom(this.#deps.metrics.list(), now, this.#options.metricsMaxAgeMs);
    const out = new Map<string, PodMetric>();
    for (const p of pods) {
      const m = metricOf(all, p);
      if (m) out.set(p.metadata.name, m);
    }
    return out;
  }

  /** Writes the decided replicas, and the annotation that hands the count over from Git, when either changes. */
  async #scale(hpa: HorizontalPodAutoscaler, target: Target, d: AutoscaleDecision): Promise<void> {
    if (!d.rescale && isManaged(target)) return;
    const { store, log } = this.#deps;
    const annotations = { ...target.metadata.annotations, [ANNOTATION_REPLICAS_MANAGED_BY]: 'hpa' };
    await store.update<Target>({ ...target, metadata: { ...target.metadata, annotations }, spec: { ...target.spec, replicas: d.desiredReplicas } } as Target);
    if (d.rescale) {
      log.info(
        { hpa: hpa.metadata.name, target: `${target.kind}/${target.metadata.name}`, from: target.spec.replicas, to: d.desiredReplicas, reason: d.reason },
        'rescaled',
      );
      await recordEvent(store, hpa, 'Normal', 'SuccessfulRescale', `New size: ${d.desiredReplicas}; reason: ${d.reason}`, SOURCE);
    }
  }

  async #writeStatus(hpa: HorizontalPodAutoscaler, status: HpaStatus): Promise<void> {
    if (!statusChanged(hpa.status, status)) return;
    try {
      await this.#deps.store.updateStatus({ kind: 'HorizontalPodAutoscaler', namespace: hpa.metadata.namespace, name: hpa.metadata.name }, status);
    } catch (err) {
      // Deleted meanwhile: its DELETED event brings the key back to release the target.
      if (!isStoreError(err, 'NotFound')) throw err;
    }
  }

  /** Gives the replica count of workloads no HPA scales any more back to Git: their annotation goes. */
  async #releaseTargets(namespace: string): Promise<void> {
    const { store, hpas, log } = this.#deps;
    const scaled = new Set(
      hpas
        .list()
        .filter((h) => h.metadata.namespace === namespace)
        .map((h) => `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`),
    );
    const targets: Target[] = [...(await store.list('Deployment', namespace)).items, ...(await store.list('ReplicaSet', namespace)).items];
    for (const t of targets.filter((t) => isManaged(t) && !scaled.has(`${t.kind}/${t.metadata.name}`))) {
      const { [ANNOTATION_REPLICAS_MANAGED_BY]: _, ...annotations } = t.metadata.annotations ?? {};
      try {
        await store.update<Target>({ ...t, metadata: { ...t.metadata, annotations } } as Target);
        log.info({ target: `${t.kind}/${namespace}/${t.metadata.name}` }, "no autoscaler scales it any more: replicas are Git's again");
      } catch (err) {
        // Gone meanwhile: nothing to give back. (A conflict is retried by the queue, which looks again.)
        if (!isStoreError(err, 'NotFound')) throw err;
      }
    }
  }
}
