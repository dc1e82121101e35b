import type { Informer } from '../../common/client/informer.js';
import { type Execution, refKey } from '../../common/schema/index.js';
import { isFinished } from '../../common/workflows/executions.js';

/**
 * The synchronous workflow calls' wait for their executions to end, answered from one informer of Executions
 * rather than a watch per waiting call: under 50 clients that was some 300 watches of one kind on the API server,
 * each decoding every write of every execution.
 */
export class ExecutionWaiter {
  readonly #waiting = new Map<string, Set<(e: Execution | undefined) => void>>();

  constructor(readonly executions: Informer<'Execution'>) {
    executions.onChange(({ type, key, object }) => {
      if (type === 'DELETED' || !isFinished(object)) return;
      for (const done of [...(this.#waiting.get(key) ?? [])]) done(object);
    });
  }

  /** The execution once it has finished (at once when it already has), or undefined after `timeoutMs`. */
  wait(namespace: string, name: string, timeoutMs: number): Promise<Execution | undefined> {
    const key = refKey({ kind: 'Execution', namespace, name });
    const now = this.executions.get(key);
    if (now && isFinished(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(key) ?? new Set();
      this.#waiting.set(key, waiting);
      const done = (e: Execution | undefined) => {
        clearTimeout(timer);
        waiting.delete(done);
        if (waiting.size === 0) this.#waiting.delete(key);
        resolve(e);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiting.add(done);
    });
  }
}
