import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import test, { type ExecutionContext } from 'ava';
import dns2, { Packet, TCPClient, UDPClient } from 'dns2';
import { createLogger } from '../../common/log/log.js';
import { ClusterDnsServer, type ClusterDnsServerOptions } from '../../node-agent/dns/cluster-dns-server.js';
import { shopFixture } from './fixtures.js';

const log = createLogger('dns-test');

async function startServer(t: ExecutionContext, opts: Partial<ClusterDnsServerOptions> = {}) {
  const server = await ClusterDnsServer.start({ address: '127.0.0.1', port: 0, names: shopFixture, upstreams: [], log, ...opts });
  t.teardown(() => server.close());
  return { server, udp: UDPClient({ dns: '127.0.0.1', port: server.udpAddress.port, timeout: 2000 }) };
}

/** A stand-in for the node's upstream resolver: knows example.com, nothing else. */
async function startUpstream(t: ExecutionContext): Promise<number> {
  const upstream = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      if (q?.name === 'example.com')
        response.answers.push(Packet.createResourceFromQuestion(q, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: '93.184.216.34' }));
      else response.header.rcode = 3;
      void send(response);
    },
  });
  const { udp } = await upstream.listen({ udp: { address: '127.0.0.1', port: 0 } });
  t.teardown(() => upstream.close());
  return udp!.port;
}

test('answers a service name over UDP and TCP', async (t) => {
  const { server, udp } = await startServer(t);
  const overUdp = await udp('cart.default.svc.cluster.local', 'A');
  t.is(overUdp.header.rcode, 0);
  t.is(overUdp.header.aa, 1);
  t.like(overUdp.answers[0], { name: 'cart.default.svc.cluster.local', type: Packet.TYPE.A, address: '10.96.0.20', ttl: 5 });
  const overTcp = await TCPClient({ dns: '127.0.0.1', port: server.tcpAddress.port })('web.default', 'A');
  t.like(overTcp.answers[0], { address: '10.96.0.21' });
});

test('answers NXDOMAIN under cluster.local and an empty NOERROR for AAAA of a service', async (t) => {
  const { udp } = await startServer(t);
  const missing = await udp('nope.default.svc.cluster.local', 'A');
  t.is(missing.header.rcode, 3);
  const aaaa = await udp('cart.default.svc.cluster.local', 'AAAA');
  t.is(aaaa.header.rcode, 0);
  t.is(aaaa.answers.length, 0);
});

test('forwards other names to the upstream and passes its answer on', async (t) => {
  const upstreamPort = await startUpstream(t);
  const { udp } = await startServer(t, { upstreams: ['127.0.0.1'], upstreamPort });
  const found = await udp('example.com', 'A');
  t.like(found.answers[0], { address: '93.184.216.34' });
  t.is(found.header.ra, 1);
  t.is((await udp('nowhere.example.org', 'A')).header.rcode, 3);
});

test('answers SERVFAIL when the upstream does not answer in time, REFUSED without one', async (t) => {
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const { udp } = await startServer(t, { upstreams: ['127.0.0.1'], upstreamPort: silent.address().port, forwardTimeoutMs: 200 });
  const started = Date.now();
  t.is((await udp('example.com', 'A')).header.rcode, 2);
  t.true(Date.now() - started < 1500);
  const { udp: noUpstream } = await startServer(t);
  t.is((await noUpstream('example.com', 'A')).header.rcode, 5);
});

test('refuses to start on an address this host does not have', async (t) => {
  await t.throwsAsync(ClusterDnsServer.start({ address: '192.0.2.1', port: 0, names: shopFixture, upstreams: [], log }), { message: /EADDRNOTAVAIL/ });
});
