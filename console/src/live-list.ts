import { type ApiObject, COLLECTIONS, type Collection, keyOf, Unauthorized } from './api.js';

type State = 'loading' | 'live' | 'unavailable';

/**
 * One collection kept current from the watch API while started: a watch from resourceVersion 0 first sends every
 * object as ADDED, then every change; a broken stream is opened again after a second (the map starts over).
 * A browser holds at most 6 HTTP/1.1 connections to the API and each watch keeps one, so only the lists the
 * page shows are started (main.ts): six open watches would leave the graphs' and logs' requests queued forever.
 */
export class LiveList {
  readonly items = new Map<string, ApiObject>();
  state: State = 'loading';
  #listeners = new Set<() => void>();
  #abort: AbortController | undefined;

  constructor(
    readonly collection: Collection,
    readonly onUnauthorized: () => void,
  ) {}

  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    void this.#run(abort.signal);
  }

  /** Closes the watch and forgets the objects; a later start lists them again. */
  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.items.clear();
    this.state = 'loading';
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(): ApiObject[] {
    return [...this.items.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#watch(signal);
      } catch (err) {
        if (err instanceof Unauthorized) return this.onUnauthorized();
        if (signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async #watch(signal: AbortSignal): Promise<void> {
    const res = await fetch(`${COLLECTIONS[this.collection]}?watch=true&resourceVersion=0`, { credentials: 'same-origin', signal });
    if (res.status === 401) throw new Unauthorized('sign in');
    if (res.status === 404) {
      // The kind is not served by this cluster (functions before they are installed).
      this.state = 'unavailable';
      this.#emit();
      return new Promise(() => undefined);
    }
    if (!res.ok || !res.body) throw new Error(`watch ${this.collection}: ${res.status}`);
    this.items.clear();
    this.state = 'live';
    this.#emit();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.#apply(JSON.parse(line) as { type: string; object: ApiObject });
      this.#emit();
    }
  }

  #apply(e: { type: string; object: ApiObject }): void {
    if (e.type === 'ERROR') throw new Error('watch ended; listing again');
    if (e.type === 'BOOKMARK') return;
    if (e.type === 'DELETED') this.items.delete(keyOf(e.object));
    else this.items.set(keyOf(e.object), e.object);
  }
}
