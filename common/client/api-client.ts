import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent } from 'undici';
import { type ApiObject, type Event, type Kind, type ObjectOf, type ObjectRef, parseObjectOfKind, refOf } from '../schema/index.js';
import { ApiError } from './api-error.js';

export { ApiError, isApiError } from './api-error.js';

import { collectionPath, objectPath } from './api-paths.js';
import type { ListOptions, ListWatchSource, ObjectList, WatchEvent, WatchOptions } from './list-watch-source.js';
import { type EventSource, type EventType, type InvolvedObject, newEvent } from './new-event.js';

export interface ApiClientOptions {
  /** The API server's URL, e.g. https://10.0.0.1:6443 (cluster.json's apiUrl). */
  baseUrl: string;
  /** The caller's bearer token: the admin token (mkctl), a node's own token, a component's scoped token. */
  token: string;
  /** The cluster CA (PEM) to verify the server with; without it, the system's trusted CAs. */
  ca?: string;
}

function parseAs<K extends Kind>(kind: K, raw: unknown): ObjectOf<K> {
  const parsed = parseObjectOfKind(kind, raw);
  if (!parsed.ok) throw new ApiError(0, 'InvalidResponse', `server sent an invalid ${kind}: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.object;
}

function query(opts: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(opts).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return q.size ? `?${q}` : '';
}

/** A failed answer as an `ApiError`, from the Kubernetes `Status` in its body when there is one. */
function errorFromAnswer(code: number, statusText: string, text: string): ApiError {
  let status: { reason?: unknown; message?: unknown } | undefined;
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    // Not a Kubernetes Status (a proxy's page, say): the text itself is the best message there is.
  }
  return new ApiError(
    code,
    typeof status?.reason === 'string' ? status.reason : 'Unknown',
    typeof status?.message === 'string' ? status.message : text || statusText,
  );
}

/** Reads a response stream line by line (newline-delimited JSON). */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      buffered += decoder.decode(r.value, { stream: true });
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
      }
    }
  } finally {
    // Leaving early (the consumer stopped, or an abort) must close the connection too.
    await reader.cancel().catch(() => {});
  }
}

/** The minik8s REST API over fetch: typed objects in and out, failures as `ApiError`. */
export class ApiClient implements ListWatchSource {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #ca: string | undefined;
  /** Connections that trust the cluster CA (fetch takes its TLS options from a dispatcher). */
  readonly #dispatcher: Agent | undefined;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#ca = options.ca;
    this.#dispatcher = options.ca === undefined ? undefined : new Agent({ connect: { ca: options.ca } });
  }

  async #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        ...(signal && { signal }),
        ...(this.#dispatcher && { dispatcher: this.#dispatcher }),
      } as RequestInit);
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(0, 'Unreachable', `the cluster is not reachable at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (err as Error).message})`, {
        cause: err,
      });
    }
    if (res.ok) return res;
    throw errorFromAnswer(res.status, res.statusText, await res.text());
  }

  /** Any call whose answer is a stream (pod logs, exec output): the response with its body unread. */
  open(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    return this.#fetch(method, path, body, signal);
  }

  /** An HTTP Upgrade to `protocol` (interactive exec): the raw connection once the server has switched. */
  upgrade(path: string, protocol: string): Promise<Duplex> {
    const url = new URL(this.baseUrl + path);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.#token}`, connection: 'Upgrade', upgrade: protocol },
      ...(this.#ca !== undefined && { ca: this.#ca }),
    });
    return new Promise((resolve, reject) => {
      req.on('upgrade', (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(errorFromAnswer(res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(new ApiError(0, 'Unreachable', `the cluster is not reachable at ${this.baseUrl} (${err.code ?? err.message})`, { cause: err })),
      );
      req.end();
    });
  }

  /** Any call, for minik8s' own endpoints (`/minik8s/v1/...`); returns the parsed JSON body. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.#fetch(method, path, body);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The object, or undefined when it does not exist. */
  async get<K extends Kind>(ref: ObjectRef & { kind: K }): Promise<ObjectOf<K> | undefined> {
    try {
      return parseAs(ref.kind, await this.request('GET', objectPath(ref)));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Objects of one kind, in one namespace or (namespace unset) in all. */
  async list<K extends Kind>(kind: K, opts: ListOptions = {}): Promise<ObjectList<ObjectOf<K>>> {
    const r = await this.request<{ metadata: { resourceVersion: string }; items: unknown[] }>(
      'GET',
      collectionPath(kind, opts.namespace) + query({ labelSelector: opts.labelSelector }),
    );
    return { items: r.items.map((o) => parseAs(kind, o)), resourceVersion: r.metadata.resourceVersion };
  }

  /** Changes of one kind as they happen; ends quietly when `signal` aborts, throws when the server ends it with an error. */
  async *watch<K extends Kind>(kind: K, opts: WatchOptions, signal?: AbortSignal): AsyncGenerator<WatchEvent<ObjectOf<K>>> {
    const path = collectionPath(kind, opts.namespace) + query({ watch: 'true', resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector });
    try {
      const res = await this.#fetch('GET', path, undefined, signal);
      for await (const line of lines(res.body!)) {
        if (!line.trim()) continue; // heartbeat
        const e = JSON.parse(line) as { type: string; object: { reason?: string; message?: string; code?: number } };
        if (e.type === 'ERROR') throw new ApiError(e.object.code ?? 500, e.object.reason ?? 'Unknown', e.object.message ?? 'watch failed');
        yield { type: e.type as WatchEvent<unknown>['type'], object: parseAs(kind, e.object) };
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
  }

  /** Creates an object of a kind the API may write (Node, Endpoints, Event); Git-owned kinds are refused. */
  async create<T extends ApiObject>(object: T): Promise<T> {
    const ref = refOf(object);
    return parseAs(ref.kind, await this.request('POST', collectionPath(ref.kind, ref.namespace ?? 'default'), object)) as T;
  }

  async update<T extends ApiObject>(object: T): Promise<T> {
    const ref = refOf(object);
    return parseAs(ref.kind, await this.request('PUT', objectPath(ref), object)) as T;
  }

  /** Writes the status subresource (what node agents and controllers report); with `resourceVersion` only if the object is still at it (409 otherwise). */
  async updateStatus<K extends Kind>(ref: ObjectRef & { kind: K }, status: unknown, resourceVersion?: string): Promise<ObjectOf<K>> {
    const body = { status, ...(resourceVersion !== undefined && { metadata: { resourceVersion } }) };
    return parseAs(ref.kind, await this.request('PUT', `${objectPath(ref)}/status`, body));
  }

  /** True when deleted, false when it did not exist. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.request('DELETE', objectPath(ref));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return false;
      throw err;
    }
  }

  /** Reports an event about an object; the server aggregates repeats and expires old ones. */
  recordEvent(involvedObject: ApiObject | InvolvedObject, type: EventType, reason: string, message: string, source: EventSource): Promise<Event> {
    return this.create(newEvent(involvedObject, type, reason, message, source));
  }
}
