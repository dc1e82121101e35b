import type { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import dns2, { Packet, UDPClient } from 'dns2';
import type { Logger } from '../../common/log/log.js';
import { answerQuestion, type ClusterNames } from './dns-answer.js';

/** Response codes (RFC 1035 4.1.1); dns2 has them but does not type them. */
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]));

export interface ClusterDnsServerOptions {
  /** The address to listen on (UDP and TCP): the node's pod-network gateway. */
  address: string;
  port?: number;
  /** The cluster's names as of now (the informers' caches). */
  names: () => ClusterNames;
  /** Resolvers for names outside the cluster, tried in order; none means such queries are refused. */
  upstreams: readonly string[];
  upstreamPort?: number;
  /** How long one upstream may take before the next is tried; after the last, SERVFAIL. */
  forwardTimeoutMs?: number;
  /** TTL of cluster answers: short, as they follow ClusterIPs that can change. */
  ttlSeconds?: number;
  log: Logger;
}

/**
 * The node's cluster DNS server on dns2's UDP and TCP servers: cluster names answered by `answerQuestion`,
 * other names forwarded to the node's upstream resolvers.
 */
export class ClusterDnsServer {
  readonly #opts: Required<ClusterDnsServerOptions>;
  readonly #udp: dns2.UDPServer;
  readonly #tcp: dns2.TCPServer;

  private constructor(opts: ClusterDnsServerOptions) {
    this.#opts = { port: 53, upstreamPort: 53, forwardTimeoutMs: 2000, ttlSeconds: 5, ...opts };
    const handle: dns2.DnsHandler = (request, send) =>
      void this.#respond(request)
        .then(send)
        .catch((err: Error) => this.#opts.log.warn({ err: err.message }, 'dns: could not answer'));
    this.#udp = dns2.createUDPServer(handle);
    this.#tcp = dns2.createTCPServer(handle);
    // A malformed packet is the sender's problem; it gets no answer, as from any resolver.
    for (const s of [this.#udp, this.#tcp]) s.on('requestError', (err: Error) => this.#opts.log.debug({ err: err.message }, 'dns: malformed query'));
  }

  /** Listens on UDP and TCP; rejects when either cannot bind (address not on this host, port taken). */
  static async start(opts: ClusterDnsServerOptions): Promise<ClusterDnsServer> {
    const s = new ClusterDnsServer(opts);
    const { address, port } = s.#opts;
    const bound = await Promise.allSettled([listening(s.#udp, () => s.#udp.bind(port, address)), listening(s.#tcp, () => s.#tcp.listen(port, address))]);
    const failed = bound.find((r) => r.status === 'rejected');
    if (failed) {
      await s.close();
      throw failed.reason;
    }
    for (const server of [s.#udp, s.#tcp]) server.on('error', (err: Error) => s.#opts.log.error({ err: err.message }, 'dns: server error'));
    return s;
  }

  /** Where it listens (port 0 asks for a free one, as tests do). */
  get udpAddress(): AddressInfo {
    return this.#udp.address();
  }

  get tcpAddress(): AddressInfo {
    return this.#tcp.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve) => this.#tcp.close(() => resolve())),
      // Closing a socket that never bound throws; there is nothing to release then.
      new Promise<void>((resolve) => {
        try {
          this.#udp.close(() => resolve());
        } catch {
          resolve();
        }
      }),
    ]);
  }

  async #respond(request: dns2.Packet): Promise<dns2.Packet> {
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const [question] = request.questions;
    if (request.questions.length !== 1 || !question) return withCode(response, RCODE.FORMERR);
    const type = TYPE_NAMES.get(question.type) ?? `TYPE${question.type}`;
    const answer = answerQuestion({ name: question.name, type }, this.#opts.names());
    switch (answer.kind) {
      case 'address':
        response.header.aa = answer.authoritative ? 1 : 0;
        response.answers.push(
          Packet.createResourceFromQuestion(question, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: this.#opts.ttlSeconds, address: answer.ip }),
        );
        return response;
      case 'no-data':
        response.header.aa = answer.authoritative ? 1 : 0;
        return response;
      case 'nxdomain':
        response.header.aa = 1;
        return withCode(response, RCODE.NXDOMAIN);
      case 'servfail':
        this.#opts.log.info({ name: question.name, reason: answer.reason }, 'dns: cluster name without an address');
        return withCode(response, RCODE.SERVFAIL);
      case 'forward':
        return this.#forward(question, type, response);
    }
  }

  /** Asks the upstreams in turn; the first answer (NXDOMAIN included) is passed on as it came. */
  async #forward(question: dns2.Packet.Question, type: string, response: dns2.Packet): Promise<dns2.Packet> {
    const { upstreams, upstreamPort, forwardTimeoutMs, log } = this.#opts;
    if (upstreams.length === 0) return withCode(response, RCODE.REFUSED);
    // dns2's client asks by type name; a type it has no name for cannot be forwarded.
    if (!TYPE_NAMES.has(question.type)) return withCode(response, RCODE.NOTIMP);
    for (const upstream of upstreams) {
      try {
        const answer = await UDPClient({ dns: upstream, port: upstreamPort, timeout: forwardTimeoutMs })(question.name, type);
        response.header.rcode = answer.header.rcode;
        response.answers = answer.answers;
        response.authorities = answer.authorities;
        response.toBuffer(); // throws here, not in send, for a record type dns2 cannot write back
        return response;
      } catch (err) {
        log.info({ name: question.name, upstream, err: (err as Error).message }, 'dns: upstream did not answer');
      }
    }
    return withCode(response, RCODE.SERVFAIL);
  }
}

/** Resolves once `server` listens, rejects with the error that stopped it. */
function listening(server: EventEmitter, listen: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve();
    });
    listen();
  });
}

function withCode(response: dns2.Packet, rcode: number): dns2.Packet {
  response.header.rcode = rcode;
  return response;
}
