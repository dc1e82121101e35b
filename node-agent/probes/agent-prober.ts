import { request } from 'node:http';
import { connect } from 'node:net';
import type { Probe } from '../../common/schema/index.js';
import type { ExecResult } from '../runtime/pod-runtime.js';
import type { ProbeOutcome } from './probe-decision.js';
import type { Prober, ProbeTarget } from './prober.js';

export type ExecInContainer = (containerId: string, command: string[]) => Promise<ExecResult>;

/**
 * The prober kubelet has: HTTP GET and TCP connect from the agent's own network namespace (the
 * node's, from which pod IPs are routed), commands through the runtime's exec.
 */
export class AgentProber implements Prober {
  readonly #exec: ExecInContainer;

  constructor(exec: ExecInContainer) {
    this.#exec = exec;
  }

  async probe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
    const timeoutMs = probe.timeoutSeconds * 1000;
    if (probe.exec) return this.#execProbe(probe.exec.command, target.containerId, timeoutMs);
    const action = probe.httpGet ?? probe.tcpSocket;
    if (!action) return { ok: false, message: 'probe has no action' };
    const port = resolvePort(action.port, target);
    if (port === undefined) return { ok: false, message: `unknown port "${action.port}" in container ${target.container.name}` };
    const host = action.host ?? target.podIP;
    return probe.httpGet ? httpGet(host, port, probe.httpGet.path, timeoutMs) : tcpConnect(host, port, timeoutMs);
  }

  async #execProbe(command: string[], containerId: string, timeoutMs: number): Promise<ProbeOutcome> {
    let timer: NodeJS.Timeout | undefined;
    // Docker cannot cancel an exec: a command that overruns is left to finish on its own.
    const timedOut = new Promise<ProbeOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out after ${timeoutMs / 1000}s` }), timeoutMs);
    });
    const ran = this.#exec(containerId, command).then(
      (r): ProbeOutcome => (r.exitCode === 0 ? { ok: true } : { ok: false, message: r.output.trim() || `command exited with ${r.exitCode}` }),
      (err: Error): ProbeOutcome => ({ ok: false, message: err.message }),
    );
    try {
      return await Promise.race([ran, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A number, a number as text, or the name of one of the container's ports. */
function resolvePort(port: number | string, target: ProbeTarget): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return target.container.ports?.find((p) => p.name === port)?.containerPort;
}

/** 200–399 is success, as in kubelet; redirects are not followed. A fresh connection each time. */
function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeOutcome> {
  const url = `http://${host}:${port}${path}`;
  return new Promise((resolve) => {
    const req = request(
      { host, port, path, method: 'GET', agent: false, timeout: timeoutMs, headers: { 'User-Agent': 'minik8s-probe', Accept: '*/*' } },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
        req.destroy();
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs / 1000}s awaiting headers`)));
    req.on('error', (err) => resolve({ ok: false, message: `Get "${url}": ${err.message}` }));
    req.end();
  });
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () => done({ ok: true }));
    socket.once('timeout', () => done({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout after ${timeoutMs / 1000}s` }));
    socket.once('error', (err) => done({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
