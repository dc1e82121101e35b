import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { type Probe, probeSchema } from '../../common/schema/index.js';
import { AgentProber } from '../../node-agent/probes/agent-prober.js';
import type { ProbeTarget } from '../../node-agent/probes/prober.js';

const target = (ports: Array<{ name: string; containerPort: number }> = []): ProbeTarget => ({
  containerId: 'c0',
  podIP: '127.0.0.1',
  container: { name: 'app', ports: ports.map((p) => ({ ...p, protocol: 'TCP' as const })) },
});
const probe = (p: object): Probe => probeSchema.parse(p);
const noExec = new AgentProber(() => Promise.reject(new Error('no exec here')));

/** A real HTTP server on loopback: /ok answers 200, /moved 302, /slow never, anything else 404. */
async function httpServer(t: ExecutionContext): Promise<number> {
  const server: Server = createHttpServer((req, res) => {
    if (req.url === '/slow') return;
    res.writeHead(req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 404, { Location: '/elsewhere' }).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  await once(s, 'close');
  return port;
}

test('httpGet passes on 2xx and 3xx and fails with the status code otherwise', async (t) => {
  const port = await httpServer(t);
  t.deepEqual(await noExec.probe(probe({ httpGet: { path: '/ok', port } }), target()), { ok: true });
  t.deepEqual(await noExec.probe(probe({ httpGet: { path: '/moved', port } }), target()), { ok: true });
  t.deepEqual(await noExec.probe(probe({ httpGet: { path: '/missing', port } }), target()), { ok: false, message: 'HTTP probe failed with statuscode: 404' });
});

test('httpGet gives up after timeoutSeconds and fails on a refused connection', async (t) => {
  const port = await httpServer(t);
  const started = Date.now();
  const slow = await noExec.probe(probe({ httpGet: { path: '/slow', port }, timeoutSeconds: 1 }), target());
  t.false(slow.ok);
  t.regex(slow.message ?? '', /timeout after 1s/);
  t.true(Date.now() - started < 3_000);
  const refused = await noExec.probe(probe({ httpGet: { port: await closedPort() } }), target());
  t.false(refused.ok);
  t.regex(refused.message ?? '', /^Get "http:\/\/127\.0\.0\.1:\d+\/": connect ECONNREFUSED/);
});

test('tcpSocket passes when the port accepts and fails when refused; named ports resolve from the container', async (t) => {
  const port = await httpServer(t);
  t.deepEqual(await noExec.probe(probe({ tcpSocket: { port: 'web' } }), target([{ name: 'web', containerPort: port }])), { ok: true });
  const closed = await closedPort();
  const refused = await noExec.probe(probe({ tcpSocket: { port: closed } }), target());
  t.false(refused.ok);
  t.regex(refused.message ?? '', new RegExp(`^dial tcp 127\\.0\\.0\\.1:${closed}: connect ECONNREFUSED`));
  t.deepEqual(await noExec.probe(probe({ tcpSocket: { port: 'nope' } }), target()), { ok: false, message: 'unknown port "nope" in container app' });
});

test("exec passes on exit code 0 and otherwise fails with the command's output, or its exit code, or a timeout", async (t) => {
  const results: Record<string, { exitCode: number; output: string } | 'hang'> = {
    good: { exitCode: 0, output: '' },
    loud: { exitCode: 1, output: 'cat: /tmp/ready: No such file\n' },
    quiet: { exitCode: 2, output: '' },
    slow: 'hang',
  };
  const prober = new AgentProber((id, command) => {
    const r = results[command[0]!]!;
    t.is(id, 'c0');
    return r === 'hang' ? new Promise(() => undefined) : Promise.resolve(r);
  });
  const run = (cmd: string) => prober.probe(probe({ exec: { command: [cmd] }, timeoutSeconds: 1 }), target());
  t.deepEqual(await run('good'), { ok: true });
  t.deepEqual(await run('loud'), { ok: false, message: 'cat: /tmp/ready: No such file' });
  t.deepEqual(await run('quiet'), { ok: false, message: 'command exited with 2' });
  t.deepEqual(await run('slow'), { ok: false, message: 'command "slow" timed out after 1s' });
});
