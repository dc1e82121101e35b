import type { Informer } from '../../common/client/informer.js';
import type { Logger } from '../../common/log/log.js';
import { type Execution, refOf } from '../../common/schema/index.js';
import type { ObjectStore } from '../store/object-store.js';

export interface RetentionPolicy {
  /** Finished executions kept per workflow, newest first. */
  keepPerWorkflow: number;
  /** Finished executions older than this go whatever their number. */
  maxAgeMs: number;
}

export const defaultRetention: RetentionPolicy = { keepPerWorkflow: 200, maxAgeMs: 24 * 3600_000 };

/** The finished executions a policy lets go: beyond the newest N of their workflow, or finished too long ago. Running ones stay. */
export function expiredExecutions(executions: readonly Execution[], now: Date, policy: RetentionPolicy): Execution[] {
  const finished = executions.filter((e) => e.status?.completionTime !== undefined);
  const byWorkflow = new Map<string, Execution[]>();
  for (const e of finished) {
    const key = `${e.metadata.namespace}/${e.spec.workflow}`;
    byWorkflow.set(key, [...(byWorkflow.get(key) ?? []), e]);
  }
  return [...byWorkflow.values()].flatMap((list) =>
    list
      .sort((a, b) => Date.parse(b.status!.completionTime!) - Date.parse(a.status!.completionTime!))
      .filter((e, i) => i >= policy.keepPerWorkflow || now.getTime() - Date.parse(e.status!.completionTime!) > policy.maxAgeMs),
  );
}

/** Deletes what the policy lets go, once a minute: the history of finished executions is bounded. */
export class ExecutionRetention {
  readonly #timer: NodeJS.Timeout;

  constructor(deps: { store: ObjectStore; executions: Informer<'Execution'>; log: Logger; policy?: RetentionPolicy; intervalMs?: number }) {
    const sweep = async () => {
      const expired = expiredExecutions(deps.executions.list(), new Date(), deps.policy ?? defaultRetention);
      for (const e of expired) await deps.store.delete(refOf(e));
      if (expired.length > 0) deps.log.info({ deleted: expired.length }, 'finished executions past retention deleted');
    };
    this.#timer = setInterval(
      () => void sweep().catch((err: Error) => deps.log.warn({ err: err.message }, 'execution retention sweep failed')),
      deps.intervalMs ?? 60_000,
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
  }
}
