import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { FunctionSourcePayload } from '../../common/functions/function-source-api.js';
import type { Logger } from '../../common/log/log.js';

/** Where the code comes from: the control plane's source endpoint. */
export type FetchFunctionSource = (namespace: string, name: string) => Promise<FunctionSourcePayload>;

/** What the runtime reads beside the code: which revision it is. */
export const REVISION_FILE = '.minik8s-revision.json';

/**
 * The node's copy of each function's code that runs here: `<root>/<ns>/<name>/<oid>/` per version and a
 * relative symlink `current` to the one in force. Instances mount `<root>/<ns>/<name>` read-only and follow
 * `current`; a new version is written beside the old one and the link is swapped by a rename, so a call sees
 * either the old code or the new, never half of one. The version before stays until the next swap, for calls
 * that loaded from it.
 */
export class FunctionCode {
  readonly #root: string;
  readonly #fetch: FetchFunctionSource;
  readonly #log: Logger;
  /** One update at a time per function. */
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(opts: { root: string; fetch: FetchFunctionSource; log: Logger }) {
    this.#root = opts.root;
    this.#fetch = opts.fetch;
    this.#log = opts.log;
  }

  dirOf(namespace: string, name: string): string {
    return join(this.#root, namespace, name);
  }

  /** The function's directory with some version in force (fetched now when it has none): what a pod mounts. */
  ensure(namespace: string, name: string): Promise<string> {
    return this.#serial(namespace, name, async () => {
      if (!(await this.current(namespace, name))) await this.#install(namespace, name, await this.#fetch(namespace, name));
      return this.dirOf(namespace, name);
    });
  }

  /** Fetches and swaps in the code when `oid` is not the version in force; only for functions this node has. */
  refresh(namespace: string, name: string, oid: string): Promise<void> {
    return this.#serial(namespace, name, async () => {
      const current = await this.current(namespace, name);
      if (current === undefined || current === oid) return;
      await this.#install(namespace, name, await this.#fetch(namespace, name));
    });
  }

  /** The object id of the version in force, if any. */
  async current(namespace: string, name: string): Promise<string | undefined> {
    return readlink(join(this.dirOf(namespace, name), 'current')).catch(() => undefined);
  }

  /** Functions with a directory here, as `namespace/name`. */
  async known(): Promise<string[]> {
    const namespaces = await readdir(this.#root).catch(() => [] as string[]);
    const lists = await Promise.all(namespaces.map(async (ns) => (await readdir(join(this.#root, ns)).catch(() => [] as string[])).map((n) => `${ns}/${n}`)));
    return lists.flat();
  }

  /** Removes a function's directory (its last instance here is gone). */
  remove(namespace: string, name: string): Promise<void> {
    return this.#serial(namespace, name, () => rm(this.dirOf(namespace, name), { recursive: true, force: true }));
  }

  async #install(namespace: string, name: string, payload: FunctionSourcePayload): Promise<void> {
    const dir = this.dirOf(namespace, name);
    const version = join(dir, payload.oid);
    const staging = `${version}.${randomBytes(4).toString('hex')}.tmp`;
    for (const f of payload.files) {
      const target = normalize(join(staging, f.path));
      if (!target.startsWith(staging + sep)) throw new Error(`function ${namespace}/${name}: file path "${f.path}" leaves its folder`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, Buffer.from(f.content, 'base64'), { mode: 0o644 });
    }
    await writeFile(join(staging, REVISION_FILE), JSON.stringify({ revision: payload.revision, oid: payload.oid }));
    await rm(version, { recursive: true, force: true });
    await rename(staging, version);
    const previous = await this.current(namespace, name);
    const link = join(dir, `current.${randomBytes(4).toString('hex')}.tmp`);
    await symlink(payload.oid, link);
    await rename(link, join(dir, 'current'));
    const keep = new Set(['current', payload.oid, ...(previous ? [previous] : [])]);
    for (const entry of await readdir(dir)) if (!keep.has(entry)) await rm(join(dir, entry), { recursive: true, force: true });
    this.#log.info({ function: `${namespace}/${name}`, revision: payload.revision, oid: payload.oid }, 'function code in place');
  }

  #serial<T>(namespace: string, name: string, job: () => Promise<T>): Promise<T> {
    const key = `${namespace}/${name}`;
    const run = (this.#chains.get(key) ?? Promise.resolve()).then(job, job);
    const settled = run.catch(() => undefined);
    this.#chains.set(key, settled);
    void settled.then(() => {
      if (this.#chains.get(key) === settled) this.#chains.delete(key);
    });
    return run;
  }
}
