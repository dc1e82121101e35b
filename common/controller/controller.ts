import type { Informer, InformerEvent } from '../client/informer.js';
import type { RecordEvent } from '../client/new-event.js';
import type { Logger } from '../log/log.js';
import { type Kind, type ObjectOf, type ObjectRef, parseRefKey } from '../schema/index.js';
import { controllerKey } from './owner-key.js';
import { type ReconcileResult, type TerminalError, WorkQueue, type WorkQueueOptions } from './work-queue.js';

/** The reference of an object of one kind, as a controller of that kind reconciles it. */
export type KindRef<K extends Kind> = ObjectRef & { kind: K };

export interface ControllerDeps {
  log: Logger;
  /** Where a reconcile's TerminalError is shown: a Warning event on the object, with the error's reason. */
  recordEvent: RecordEvent;
}

/**
 * What every controller shares, after Kubernetes' sample-controller: informers only enqueue keys (the
 * changed object's own, or its controlling owner's), one WorkQueue runs `reconcile(key)` with the one
 * error policy (back-off, quiet retry on a conflict, a TerminalError an event on the object and no retry), and each reconcile
 * starts from the object read afresh, so a missed event is harmless. A controller says how to read its
 * object (`read`) and what to do with it (`sync`); tests call `reconcile(key)` directly.
 */
export abstract class Controller<K extends Kind> {
  readonly #queue: WorkQueue;
  readonly #recordEvent: RecordEvent;

  constructor(
    readonly kind: K,
    readonly name: string,
    deps: ControllerDeps,
    queue: Omit<WorkQueueOptions, 'onTerminalError'> = {},
  ) {
    this.#recordEvent = deps.recordEvent;
    this.#queue = new WorkQueue(name, (key) => this.reconcile(key), deps.log, { ...queue, onTerminalError: (key, err) => this.#report(key, err) });
  }

  /** One pass for one key: the object as it is now (undefined once it is gone), handed to `sync`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const ref = { ...parseRefKey(key), kind: this.kind };
    return (await this.sync(ref, await this.read(ref), key)) ?? {};
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Resolves when no key is queued or being reconciled. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** The object now: from the store, not a cache, unless the controller says why a cache will do. */
  protected abstract read(ref: KindRef<K>): Promise<ObjectOf<K> | undefined>;

  /** Moves the world toward what `object` asks for (or cleans up after it, when undefined). */
  protected abstract sync(ref: KindRef<K>, object: ObjectOf<K> | undefined, key: string): Promise<ReconcileResult | undefined>;

  async #report(key: string, err: TerminalError): Promise<void> {
    const { namespace, name } = parseRefKey(key);
    await this.#recordEvent({ kind: this.kind, name, ...(namespace && { namespace }) }, 'Warning', err.reason, err.message, { component: this.name });
  }

  protected enqueue(key: string): void {
    this.#queue.add(key);
  }

  /** Enqueues what `keysOf` derives from each change of the informer's objects (by default, the object's own key). */
  protected watch<W extends Kind>(
    informer: Informer<W>,
    keysOf: (e: InformerEvent<ObjectOf<W>>) => string | readonly string[] | undefined = (e) => e.key,
  ): void {
    informer.onChange((e) => {
      for (const key of [keysOf(e) ?? []].flat()) this.#queue.add(key);
    });
  }

  /** Enqueues the controlling owner of each changed object, when that owner is of this controller's kind. */
  protected watchOwned<W extends Kind>(informer: Informer<W>): void {
    this.watch(informer, (e) => controllerKey(e.object, this.kind));
  }
}
