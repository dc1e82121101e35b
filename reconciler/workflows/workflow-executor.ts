import type { Informer } from '../../common/client/informer.js';
import { WorkQueue } from '../../common/controller/work-queue.js';
import type { Logger } from '../../common/log/log.js';
import { type Execution, parseRefKey, refKey, refOf } from '../../common/schema/index.js';
import { isFinished } from '../../common/workflows/executions.js';
import type { ObjectStore } from '../store/object-store.js';
import { applyEvent, type EngineEvent, type ExecutionStatus, startExecution } from './engine/engine.js';
import { StatesError } from './engine/errors.js';
import { recordExecutionPhase } from './execution-metrics.js';
import { parseStepCallId, StepCallRefused, type StepReply, type StepTransport, stepCallId } from './step-transport.js';
import { TimerSet } from './timer-set.js';

export interface WorkflowExecutorDeps {
  store: ObjectStore;
  executions: Informer<'Execution'>;
  transport: StepTransport;
  log: Logger;
  now?: () => Date;
  /** How often every unfinished execution is looked at again (30 s), as an informer's resync would. */
  resyncMs?: number;
}

/** An event waiting for its execution's turn; `done` tells the one who brought it that it is recorded. */
interface Pending {
  event: EngineEvent;
  done: () => void;
}

const executionKey = (namespace: string, name: string) => refKey({ kind: 'Execution', namespace, name });

/**
 * Runs workflow executions in the control plane. An Execution created without a status (by the
 * gateway, mkctl or a trigger) is started; every step's call goes out through the transport (Kafka),
 * and its reply, a timer or a restart brings the execution's key back to the queue, where the pure
 * engine takes the next step from the status in etcd. The status is written before the step's
 * commands run and once more when they are done, so a crash in between does them again and a crash
 * anywhere else loses nothing: a reply not yet recorded is delivered again by Kafka, a timer is armed
 * again from the status, and a reply to a step already recorded is ignored.
 */
export class WorkflowExecutor {
  readonly #deps: WorkflowExecutorDeps;
  readonly #queue: WorkQueue;
  readonly #pending = new Map<string, Pending[]>();
  readonly #timers = new TimerSet();
  readonly #now: () => Date;
  #resync: NodeJS.Timeout | undefined;

  constructor(deps: WorkflowExecutorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#queue = new WorkQueue('workflow-executor', (key) => this.reconcile(key), deps.log, { concurrency: 8 });
    deps.executions.onChange((e) => this.#queue.add(e.key));
  }

  /** Starts hearing replies; call before the informer starts, so that no reply waits for a listener. */
  start(): Promise<void> {
    // Level-triggered, not only edge: an execution whose change was never heard of (a watch that dropped an event)
    // is still started or carried on at the next resync.
    this.#resync = setInterval(() => {
      for (const e of this.#deps.executions.list()) if (!isFinished(e)) this.#queue.add(refKey(refOf(e)));
    }, this.#deps.resyncMs ?? 30_000);
    this.#resync.unref();
    return this.#deps.transport.onReply((reply) => this.#onReply(reply));
  }

  async stop(): Promise<void> {
    clearInterval(this.#resync);
    this.#timers.clear();
    await this.#queue.stop();
    await this.#deps.transport.stop();
  }

  #onReply(reply: StepReply): Promise<void> {
    const id = parseStepCallId(reply.callId);
    if (!id) {
      this.#deps.log.warn({ callId: reply.callId }, 'reply with a call id no execution made; dropped');
      return Promise.resolve();
    }
    const event: EngineEvent = reply.ok
      ? { type: 'TaskSucceeded', stepId: id.stepId, output: reply.output }
      : { type: 'TaskFailed', stepId: id.stepId, error: reply.error, cause: reply.cause };
    return this.#deliver(executionKey(id.namespace, id.execution), event);
  }

  /** Queues an event for an execution; resolves when it is recorded (or found stale). */
  #deliver(key: string, event: EngineEvent): Promise<void> {
    return new Promise((done) => {
      const list = this.#pending.get(key) ?? [];
      list.push({ event, done });
      this.#pending.set(key, list);
      this.#queue.add(key);
    });
  }

  async reconcile(key: string): Promise<void> {
    const { namespace = 'default', name } = parseRefKey(key);
    let execution = await this.#deps.store.get({ kind: 'Execution', namespace, name });
    if (!execution) return this.#forget(key);
    if (!execution.status) execution = await this.#start(execution);
    const stored = execution.status;
    if (stored?.phase !== 'Running' || !stored.engine) return this.#forget(key);
    let status: ExecutionStatus = { ...stored, engine: stored.engine };
    const info = { id: `${namespace}/${name}`, input: execution.spec.input };
    // Commands of a step whose completion was not recorded (a crash in between) are done again.
    if (status.engine.outbox.length > 0) ({ execution, status } = await this.#perform(execution, status));
    const pending = this.#pending.get(key) ?? [];
    while (pending.length > 0 && status.phase === 'Running') {
      const next = pending[0]!;
      const r = applyEvent(status, info, next.event, this.#now());
      if (r.applied) ({ execution, status } = await this.#perform(await this.#write(execution, r.status), r.status));
      pending.shift();
      next.done();
    }
    if (status.phase !== 'Running') return this.#forget(key);
    this.#timers.sync(key, status.engine.timers, (timerId) => void this.#deliver(key, { type: 'TimerFired', timerId }));
  }

  async #start(execution: Execution): Promise<Execution> {
    const { namespace = 'default', name } = execution.metadata;
    const workflow = await this.#deps.store.get({ kind: 'Workflow', namespace, name: execution.spec.workflow });
    const now = this.#now();
    if (!workflow) {
      const error = { error: StatesError.Runtime, cause: `workflow "${execution.spec.workflow}" does not exist in namespace ${namespace}` };
      const status: NonNullable<Execution['status']> = {
        phase: 'Failed',
        startTime: now.toISOString(),
        completionTime: now.toISOString(),
        ...error,
        history: [{ time: now.toISOString(), type: 'ExecutionFailed', ...error }],
      };
      return this.#write(execution, status);
    }
    const status = startExecution(workflow.spec.definition, { id: `${namespace}/${name}`, input: execution.spec.input }, now);
    this.#deps.log.info({ execution: name, workflow: workflow.metadata.name }, 'execution started');
    return this.#write(execution, status);
  }

  /** Does the status's outbox, then records that it is done. A call that cannot be made fails its step. */
  async #perform(execution: Execution, status: ExecutionStatus): Promise<{ execution: Execution; status: ExecutionStatus }> {
    const { namespace = 'default', name } = execution.metadata;
    const key = executionKey(namespace, name);
    for (const c of status.engine.outbox) {
      if (c.type !== 'Invoke') continue;
      try {
        await this.#deps.transport.invoke({
          callId: stepCallId(namespace, name, c.stepId),
          namespace,
          function: c.resource,
          input: c.input,
          timeoutSeconds: c.timeoutSeconds,
        });
      } catch (err) {
        if (!(err instanceof StepCallRefused)) throw err;
        void this.#deliver(key, { type: 'TaskFailed', stepId: c.stepId, error: StatesError.TaskFailed, cause: err.message });
      }
    }
    const done: ExecutionStatus = { ...status, engine: { ...status.engine, outbox: [] } };
    return { execution: await this.#write(execution, done), status: done };
  }

  /** Writes the status, guarded by the resourceVersion read: a conflict throws and the queue retries from fresh state. */
  async #write(execution: Execution, status: NonNullable<Execution['status']>): Promise<Execution> {
    const written = await this.#deps.store.update<Execution>({ ...execution, status });
    recordExecutionPhase(execution, status);
    return written;
  }

  #forget(key: string): void {
    this.#timers.sync(key, {}, () => undefined);
    for (const p of this.#pending.get(key)?.splice(0) ?? []) p.done();
    this.#pending.delete(key);
  }
}
