import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadAgentConfig, parseAgentConfig } from '../../node-agent/config/agent-config.js';

const minimal = {
  nodeName: 'node-1',
  apiUrl: 'http://10.100.0.1:6443',
  joinToken: 'secret',
  nodeIP: '10.100.0.11',
  tlsCertFile: '/pki/nodes/node-1.crt',
  tlsPrivateKeyFile: '/pki/nodes/node-1.key',
};

test('fills defaults for everything but the node, the API, the address and the serving certificate', (t) => {
  const c = parseAgentConfig(minimal);
  t.is(c.agentPort, 10250);
  t.is(c.dockerSocket, '/var/run/docker.sock');
  t.is(c.podCIDR, undefined);
  t.deepEqual(c.labels, {});
  t.deepEqual(c.backOff, { baseSeconds: 10, maxSeconds: 300 });
});

test('names the field that is wrong', (t) => {
  t.throws(() => parseAgentConfig({ ...minimal, agentPort: 'http' }), { message: /agentPort: / });
  t.throws(() => parseAgentConfig({ ...minimal, nodeIP: 'node-1' }), { message: /nodeIP: must be an IPv4 address/ });
  t.throws(() => parseAgentConfig({ ...minimal, nodeName: undefined }), { message: /nodeName: / });
  t.throws(() => parseAgentConfig({ ...minimal, colour: 'blue' }), { message: /colour/ });
});

test('has no plain-HTTP agent port: the serving certificate and key are required', (t) => {
  t.throws(() => parseAgentConfig({ ...minimal, tlsCertFile: undefined }), { message: /tlsCertFile: / });
  t.throws(() => parseAgentConfig({ ...minimal, tlsPrivateKeyFile: undefined }), { message: /tlsPrivateKeyFile: / });
});

test('loads the YAML file and names it in errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mk8s-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'agent.yaml');
  await writeFile(
    file,
    'nodeName: node-2\nlabels:\n  disktype: ssd\napiUrl: http://10.100.0.1:6443\njoinToken: abc\nnodeIP: 10.100.0.12\nstateDir: /var/lib/x\n' +
      'tlsCertFile: /p/n.crt\ntlsPrivateKeyFile: /p/n.key\n',
  );
  const c = await loadAgentConfig(file);
  t.deepEqual(c.labels, { disktype: 'ssd' });
  t.is(c.stateDir, '/var/lib/x');
  await writeFile(file, 'nodeName: node-2\n');
  await t.throwsAsync(loadAgentConfig(file), { message: new RegExp(`^${file}: .*apiUrl`) });
});
