import { counter, histogram, latencyBuckets, secondsSince } from '../../common/metrics/registry.js';

const labelNames = ['namespace', 'function'] as const;

const calls = counter({
  name: 'minik8s_function_calls_total',
  help: "Calls the gateway answered for a function, by status code (the function's, or the gateway's when it answered for it).",
  labelNames: [...labelNames, 'code'],
});
const errors = counter({
  name: 'minik8s_function_errors_total',
  help:
    'Calls that failed: reason="function" when the function answered 5xx, ' +
    'reason="gateway" when no instance answered (none in time, unreachable, timed out).',
  labelNames: [...labelNames, 'reason'],
});
const coldStarts = counter({
  name: 'minik8s_function_cold_starts_total',
  help: 'Calls that found no instance of the function running and waited for one to start.',
  labelNames,
});
const duration = histogram({
  name: 'minik8s_function_duration_seconds',
  help: 'From the gateway taking a call to its answer, any wait for an instance included.',
  labelNames,
  // Up to a few minutes: a cold start plus a long function.
  buckets: [...latencyBuckets, 60, 120, 300],
});

export type CallOutcome = { code: string; error?: 'function' | 'gateway' };

/** How a call's answer counts: any answer the gateway gave for the function is an error, as is the function's own 5xx. */
export function callOutcome(result: { statusCode: number; gatewayError?: string | undefined }): CallOutcome {
  const code = String(result.statusCode);
  if (result.gatewayError !== undefined) return { code, error: 'gateway' };
  return result.statusCode >= 500 ? { code, error: 'function' } : { code };
}

const labelsOf = (key: string) => {
  const [namespace, name] = key.split('/') as [string, string];
  return { namespace, function: name };
};

/** The gateway's per-function series (served on its metrics port), keyed as the instance pool keys functions: `namespace/name`. */
export const functionMetrics = {
  /** A call answered, `started` from `process.hrtime.bigint()` when the gateway took it. */
  answered(key: string, result: { statusCode: number; gatewayError?: string | undefined }, started: bigint): void {
    const labels = labelsOf(key);
    const outcome = callOutcome(result);
    calls.inc({ ...labels, code: outcome.code });
    if (outcome.error) errors.inc({ ...labels, reason: outcome.error });
    duration.observe(labels, secondsSince(started));
  },
  coldStart(key: string): void {
    coldStarts.inc(labelsOf(key));
  },
};
