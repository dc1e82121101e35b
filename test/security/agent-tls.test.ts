/**
 * The node agent's port (10250) speaks TLS only, with a certificate from the cluster CA, and the control
 * plane (its only caller: the pod proxy for logs and exec) verifies that certificate before it sends the
 * agent token. Each test sends the bad request itself and checks that the agent ran nothing.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import express from 'express';
import { Agent } from 'undici';
import { errorHandler } from '../../common/http/error-handler.js';
import { createLogger } from '../../common/log/log.js';
import type { Node, Pod } from '../../common/schema/index.js';
import type { ContainerExec } from '../../node-agent/runtime/container-exec.js';
import type { ObservedPod } from '../../node-agent/runtime/pod-runtime.js';
import { startAgentServer } from '../../node-agent/server/agent-server.js';
import { createPodProxyRouter } from '../../reconciler/api/pod-proxy-router.js';
import { MemoryKV } from '../../reconciler/store/memory-kv.js';
import { ObjectStore } from '../../reconciler/store/object-store.js';
import { readTls, testCa, testLoopbackCertFiles, testPkiDir } from '../helpers/pki.js';

const AGENT_TOKEN = 'agent-token-of-node-a-0123456789abcdef';

/** One running container, `web/app`, whose log is one line; every exec is recorded (none may happen). */
const observed: ObservedPod[] = [
  {
    uid: 'u1',
    namespace: 'default',
    name: 'web',
    graceSeconds: 0,
    sandbox: { id: 's1', running: true, ip: '10.244.9.2', createdAt: '2026-01-01T00:00:00Z' },
    containers: [{ id: 'c1', name: 'app', image: 'busybox:latest', restartCount: 0, state: 'running', createdAt: '2026-01-01T00:00:00Z' }],
  },
];

/** An agent server on loopback serving `tls`; resolves with its port and the commands it was made to run. */
async function startAgent(t: ExecutionContext, tls: { cert: Buffer; key: Buffer }) {
  const execs: string[][] = [];
  const exec: ContainerExec = {
    exec: async (_id, opts) => {
      execs.push(opts.command);
      throw new Error('no exec in this test');
    },
    attach: async () => {
      throw new Error('no attach in this test');
    },
  };
  const runtime = { listPods: async () => observed, logs: async () => Readable.from(['hello from web\n']) };
  const server = await startAgentServer({ host: '127.0.0.1', port: 0, tls, tokens: [AGENT_TOKEN], runtime, exec });
  t.teardown(() => server.stop());
  return { port: server.port, execs };
}

const trustingClusterCa = new Agent({ connect: { ca: testCa() } });
const agentGet = (port: number, path: string, token?: string) =>
  fetch(`https://127.0.0.1:${port}${path}`, {
    ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }),
    dispatcher: trustingClusterCa,
  } as RequestInit);

test('the agent port answers no plain HTTP request, not even with the agent token', async (t) => {
  const agent = await startAgent(t, readTls(testLoopbackCertFiles()));
  const plain = new Promise<number>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: agent.port,
      method: 'POST',
      path: '/exec/default/web/app',
      headers: { authorization: `Bearer ${AGENT_TOKEN}` },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end(JSON.stringify({ command: ['cat', '/etc/shadow'] }));
  });
  await t.throwsAsync(plain, undefined, 'a plain-HTTP request gets no HTTP answer');
  t.deepEqual(agent.execs, [], 'nothing ran');
});

test('over TLS the agent refuses callers without its token', async (t) => {
  const agent = await startAgent(t, readTls(testLoopbackCertFiles()));
  for (const token of [undefined, '', 'not-the-agent-token']) {
    t.is((await agentGet(agent.port, '/containerLogs/default/web/app', token)).status, 401, `token ${JSON.stringify(token)}`);
  }
  const exec = await fetch(`https://127.0.0.1:${agent.port}/exec/default/web/app`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command: ['id'] }),
    dispatcher: trustingClusterCa,
  } as RequestInit);
  t.is(exec.status, 401);
  t.deepEqual(agent.execs, [], 'nothing ran');
  const logs = await agentGet(agent.port, '/containerLogs/default/web/app', AGENT_TOKEN);
  t.is(await logs.text(), 'hello from web\n', 'the agent token is what opens it');
});

/** The API's pod proxy (behind which authentication sits in the real server) for pod web on node-a at 127.0.0.1:port. */
async function podProxy(t: ExecutionContext, agentPort: number) {
  const store = new ObjectStore(new MemoryKV());
  await store.create<Node>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-a' },
    spec: {},
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { agentPort } },
  });
  await store.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'node-a', restartPolicy: 'Always', terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'busybox:latest' }] },
  });
  const app = express();
  app.use(createPodProxyRouter({ store, agentToken: () => AGENT_TOKEN, agentCa: testCa() }));
  app.use(errorHandler(createLogger('pod-proxy')));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/namespaces/default/pods/web`;
}

test('the control plane verifies the agent against the cluster CA before sending it the agent token', async (t) => {
  const genuine = await startAgent(t, readTls(testLoopbackCertFiles()));
  t.is(await (await fetch(`${await podProxy(t, genuine.port)}/log`)).text(), 'hello from web\n');

  // An impostor on the agent's address with a valid certificate for 127.0.0.1 from another CA (etcd's).
  const etcd = join(testPkiDir(), 'etcd');
  const impostor = await startAgent(t, { cert: readFileSync(join(etcd, 'server.crt')), key: readFileSync(join(etcd, 'server.key')) });
  const proxy = await podProxy(t, impostor.port);
  const logs = await fetch(`${proxy}/log`);
  t.is(logs.status, 502);
  t.regex(((await logs.json()) as { message: string }).message, /node agent of node-a .* is not reachable/);
  const exec = await fetch(`${proxy}/exec`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command: ['id'] }) });
  t.is(exec.status, 502);
  t.deepEqual(impostor.execs, [], 'the impostor was sent nothing to run');
});
