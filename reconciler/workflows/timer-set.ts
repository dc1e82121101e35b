/** setTimeout's limit: a timer due later is armed again when this much has passed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Armed {
  at: string;
  handle: NodeJS.Timeout;
}

/**
 * The executor's armed timers, per execution: kept equal to the timers in the execution's status, so a
 * restart arms them again from etcd, and one due in the past fires at once.
 */
export class TimerSet {
  readonly #armed = new Map<string, Map<string, Armed>>();

  /** Arms what `due` holds and is not armed, and disarms what it no longer holds. */
  sync(key: string, due: Record<string, string>, fire: (timerId: string) => void): void {
    const armed = this.#armed.get(key) ?? new Map<string, Armed>();
    for (const [id, t] of armed)
      if (due[id] !== t.at) {
        clearTimeout(t.handle);
        armed.delete(id);
      }
    const arm = (id: string, at: string) => {
      const wait = Date.parse(at) - Date.now();
      const handle = setTimeout(
        () => {
          if (wait > MAX_DELAY_MS) return arm(id, at);
          armed.delete(id);
          fire(id);
        },
        Math.min(Math.max(0, wait), MAX_DELAY_MS),
      );
      armed.set(id, { at, handle });
    };
    for (const [id, at] of Object.entries(due)) if (!armed.has(id)) arm(id, at);
    if (armed.size > 0) this.#armed.set(key, armed);
    else this.#armed.delete(key);
  }

  clear(): void {
    for (const armed of this.#armed.values()) for (const t of armed.values()) clearTimeout(t.handle);
    this.#armed.clear();
  }
}
