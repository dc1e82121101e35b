import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { CALL_ID_HEADER, REVISION_HEADER } from '../../common/functions/invocation.js';
import type { FunctionObject } from '../../common/schema/index.js';
import type { ActivityReporter } from './activity-reporter.js';
import { functionMetrics } from './function-metrics.js';
import { type Instance, InstancePool, NoInstanceError } from './instance-pool.js';

/** One call as the gateway forwards it to an instance. */
export interface Call {
  callId: string;
  namespace: string;
  name: string;
  method: string;
  /** Path below the function, with the query. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface CallResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  revision: string | undefined;
  /** Set when the gateway, not the function, answered (no such function, no instance in time, instance unreachable). */
  gatewayError?: string;
}

/** Headers that belong to one hop, not to the call. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host', 'content-length']);

/** How long a call may wait for an instance: long enough for a cold start on a loaded machine. */
const WAIT_FOR_INSTANCE_MS = 60_000;
/** A fresh instance's server may not listen yet when its pod turns Ready: connections are retried this long. */
const STARTING_GRACE_MS = 10_000;
/**
 * How long past `timeoutSeconds` the gateway waits for the instance's own 504 (which names the revision) before
 * it answers 504 itself: the runtime kills the call at the timeout, but on a loaded node its answer can lag.
 */
const DEADLINE_GRACE_MS = 5000;

/** The call ran past its function's timeout and the instance did not say so in time. */
class DeadlineError extends Error {}

/**
 * The activator: takes a call for a function, waits for an instance with room (counting the wait, so the
 * autoscaler sees it and starts one at zero), forwards it over a kept-alive connection, and answers what the
 * instance answered. Calls never fail because an instance is being added or removed: a refused connection
 * is retried on a fresh instance or the same one while it starts.
 */
export class FunctionInvoker {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly pool: InstancePool;

  constructor(
    readonly lookup: (namespace: string, name: string) => FunctionObject | undefined,
    readonly activity: Pick<ActivityReporter, 'begin' | 'end' | 'queue' | 'dequeue'>,
    readonly deadlineGraceMs = DEADLINE_GRACE_MS,
  ) {
    this.pool = new InstancePool((key) => {
      const [ns, name] = key.split('/') as [string, string];
      return lookup(ns, name)?.spec.concurrency ?? 1;
    });
  }

  async invoke(call: Call): Promise<CallResult> {
    const fn = this.lookup(call.namespace, call.name);
    if (!fn) return gatewayAnswer(404, `no function ${call.namespace}/${call.name}`);
    const key = `${call.namespace}/${call.name}`;
    const started = process.hrtime.bigint();
    this.activity.begin(key);
    const result = await this.#call(key, call, fn.spec.timeoutSeconds);
    functionMetrics.answered(key, result, started);
    return result;
  }

  async #call(key: string, call: Call, timeoutSeconds: number): Promise<CallResult> {
    const timeoutMs = timeoutSeconds * 1000 + this.deadlineGraceMs;
    try {
      for (let attempt = 0; ; attempt++) {
        const instance = await this.#acquire(key);
        try {
          return await this.#forward(instance, call, timeoutMs);
        } catch (err) {
          // A function past its timeout is a 504 whoever notices, never the gateway's own failure (502).
          if (err instanceof DeadlineError) return timeoutAnswer(timeoutSeconds, instance.pod);
          const code = (err as NodeJS.ErrnoException).code;
          const refused = code === 'ECONNREFUSED' || code === 'EHOSTUNREACH';
          // A kept-alive connection the instance closed as it stopped (it is gone from the pool): the call never ran there.
          const gone = code === 'ECONNRESET' && !this.pool.instances(key).some((i) => i.pod === instance.pod);
          const starting = Date.now() - instance.seenAt < STARTING_GRACE_MS;
          // A refused connection never reached the function: safe to try again (the instance starting, or going).
          if (!(refused || gone) || attempt > 200 || (!starting && attempt > 5))
            return gatewayAnswer(502, `instance ${instance.pod} did not answer: ${(err as Error).message}`);
          await delay(starting ? 10 : 50);
        } finally {
          this.pool.release(key, instance);
        }
      }
    } catch (err) {
      if (err instanceof NoInstanceError) return gatewayAnswer(503, err.message);
      throw err;
    } finally {
      this.activity.end(key);
    }
  }

  async #acquire(key: string): Promise<Instance> {
    const now = this.pool.tryAcquire(key);
    if (now) return now;
    // The call waits, and the autoscaler hears of it at once when there is no instance at all or a line forms.
    const cold = this.pool.instances(key).length === 0;
    if (cold) functionMetrics.coldStart(key);
    const urgent = cold || this.pool.queued(key) === 0;
    const waiting = this.pool.acquire(key, WAIT_FOR_INSTANCE_MS);
    this.activity.queue(key, urgent);
    try {
      return await waiting;
    } finally {
      this.activity.dequeue(key);
    }
  }

  #forward(instance: Instance, call: Call, timeoutMs: number): Promise<CallResult> {
    const [host, port] = instance.address.split(':') as [string, string];
    const headers: Record<string, string> = { [CALL_ID_HEADER]: call.callId, 'content-length': String(call.body.length) };
    for (const [k, v] of Object.entries(call.headers)) if (!HOP.has(k.toLowerCase())) headers[k] = v;
    return new Promise<CallResult>((resolve, reject) => {
      // The whole call's deadline, not the socket's idle time: a trickling answer does not stretch it.
      let expired = false;
      const fail = (err: Error) => {
        clearTimeout(deadline);
        reject(expired ? new DeadlineError(`no answer within ${timeoutMs} ms`) : err);
      };
      const deadline = setTimeout(() => {
        expired = true;
        req.destroy();
      }, timeoutMs);
      const req = request({ host, port: Number(port), method: call.method, path: call.url, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the instance closed the connection mid-answer'));
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ statusCode: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks), revision: out[REVISION_HEADER] });
        });
      });
      req.on('error', fail);
      req.end(call.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The runtime's own timeout answer, given by the gateway when the instance's did not arrive. */
function timeoutAnswer(timeoutSeconds: number, pod: string): CallResult {
  const message = `the function did not answer within ${timeoutSeconds} s (instance ${pod})`;
  return {
    statusCode: 504,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ error: 'Timeout', message })),
    revision: undefined,
    gatewayError: message,
  };
}

function gatewayAnswer(statusCode: number, message: string): CallResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(`${message}\n`),
    revision: undefined,
    gatewayError: message,
  };
}
