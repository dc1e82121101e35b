import type { Container, Probe } from '../../common/schema/index.js';
import type { ProbeOutcome } from './probe-decision.js';

/** The container instance a probe is aimed at. */
export interface ProbeTarget {
  containerId: string;
  /** httpGet and tcpSocket go here unless the probe names a host. */
  podIP: string;
  /** For named ports (`port: http`). */
  container: Pick<Container, 'name' | 'ports'>;
}

/** Runs one probe attempt once; never throws: a probe that cannot run has failed. */
export interface Prober {
  probe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome>;
}
