/** A client that keeps calling a NodePort service through every node while the chaos runs, counting failures per phase. */
export interface ServicePoller {
  /** Failures are counted against the phase named here. */
  phase: string;
  /** The node IPs to call (a node taken down on purpose is left out). */
  targets: string[];
  readonly requests: number;
  failuresIn(phase?: string): number;
  stop(): Promise<void>;
}

export function pollService(targets: string[], port: number, expectPrefix: string, intervalMs = 100): ServicePoller {
  let requests = 0;
  let running = true;
  const failures: Array<{ phase: string; target: string; why: string }> = [];
  const poller: ServicePoller = {
    phase: 'start',
    targets,
    get requests() {
      return requests;
    },
    failuresIn: (phase) => failures.filter((f) => phase === undefined || f.phase === phase).length,
    async stop() {
      running = false;
      await loop;
    },
  };
  const once = async (target: string): Promise<void> => {
    requests++;
    try {
      const res = await fetch(`http://${target}:${port}/`, { signal: AbortSignal.timeout(3000) });
      const body = await res.text();
      if (!res.ok || !body.startsWith(expectPrefix)) failures.push({ phase: poller.phase, target, why: `${res.status} ${body.slice(0, 40)}` });
    } catch (err) {
      failures.push({ phase: poller.phase, target, why: (err as Error).message });
    }
  };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const t = poller.targets[i % poller.targets.length];
      await Promise.all([t ? once(t) : undefined, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
    }
  })();
  return poller;
}
