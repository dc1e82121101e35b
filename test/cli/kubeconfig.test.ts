import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { parse } from 'yaml';
import { kubeconfig } from '../../mkctl/kubeconfig.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testCa } from '../helpers/pki.js';
import { mkctlInProcess } from './run-mkctl.js';

const run = promisify(execFile);
/** Real kubectl, where the host has one (the conformance tests build their own from the Go module). */
const kubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);

test('the kubeconfig holds the https server, the CA inline and the token, in the current context', (t) => {
  const config = parse(kubeconfig({ server: 'https://127.0.0.1:6443', ca: '-----BEGIN CERTIFICATE-----\nx\n', token: 'secret-token' })) as {
    clusters: Array<{ name: string; cluster: Record<string, string> }>;
    users: Array<{ name: string; user: Record<string, string> }>;
    contexts: Array<{ name: string; context: Record<string, string> }>;
    'current-context': string;
  };
  t.deepEqual(config.clusters, [
    {
      name: 'minik8s',
      cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nx\n').toString('base64') },
    },
  ]);
  t.deepEqual(config.users, [{ name: 'minik8s-admin', user: { token: 'secret-token' } }]);
  t.deepEqual(config.contexts, [{ name: 'minik8s', context: { cluster: 'minik8s', user: 'minik8s-admin', namespace: 'default' } }]);
  t.is(config['current-context'], 'minik8s');
});

test.serial('mkctl kubeconfig -o writes a 0600 file; config view redacts the secrets unless --raw', async (t) => {
  const c = await startTestControlPlane(t);
  const file = join(c.configPath, '..', 'kubeconfig');
  const written = await mkctlInProcess(c.configPath, ['kubeconfig', '-o', file]);
  t.is(written.code, 0, written.stderr);
  t.is((await stat(file)).mode & 0o777, 0o600);
  const redacted = await mkctlInProcess(c.configPath, ['config', 'view']);
  t.false(redacted.stdout.includes(c.config.token));
  t.regex(redacted.stdout, /token: DATA\+OMITTED/);
  const raw = await mkctlInProcess(c.configPath, ['config', 'view', '--raw']);
  t.true(raw.stdout.includes(`token: ${c.config.token}`));
  t.true(raw.stdout.includes(Buffer.from(testCa()).toString('base64')));
});

(kubectl ? test.serial : test.skip)('real kubectl reads the API over TLS with the kubeconfig, unmodified', async (t) => {
  const c = await startTestControlPlane(t);
  const file = join(c.configPath, '..', 'kubeconfig');
  await mkctlInProcess(c.configPath, ['kubeconfig', '-o', file]);
  // The harness makes this process trust the test CA; kubectl must need nothing but the kubeconfig.
  const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', '--raw', '/api/v1/namespaces/default/pods'], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' },
  });
  t.is((JSON.parse(stdout) as { kind: string }).kind, 'PodList');
});

test.serial('git trusts the API only with the cluster CA (http.sslCAInfo), and refuses it without', async (t) => {
  const c = await startTestControlPlane(t);
  const { GIT_SSL_CAINFO: _trusted, ...untrusting } = process.env;
  const dir = join(c.configPath, '..', 'clone');
  const refused = await run('git', ['clone', '--quiet', c.pushUrl, `${dir}-refused`], { env: untrusting }).catch((err: { stderr: string }) => err);
  t.regex((refused as { stderr: string }).stderr, /certificate|SSL/i);
  await run('git', ['-c', `http.sslCAInfo=${c.config.caFile}`, 'clone', '--quiet', c.pushUrl, dir], { env: untrusting });
  t.truthy(await stat(join(dir, '.git')));
});
