import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { TEST_ETCD } from '../helpers/etcd.js';
import { testPkiDir } from '../helpers/pki.js';

const run = promisify(execFile);

/** Reads a key range from etcd's gRPC gateway with curl, presenting `cert` (or no certificate). */
async function range(cert?: { crt: string; key: string }): Promise<{ ok: boolean; out: string }> {
  const pki = testPkiDir();
  const args = [
    '-sS',
    '-m',
    '5',
    '--cacert',
    join(pki, 'etcd/ca.crt'),
    ...(cert ? ['--cert', cert.crt, '--key', cert.key] : []),
    '-X',
    'POST',
    '-d',
    '{"key":"Lw==","range_end":"MA=="}',
    `${TEST_ETCD}/v3/kv/range`,
  ];
  return run('curl', args).then(
    ({ stdout }) => ({ ok: true, out: stdout }),
    (err: { stderr: string }) => ({ ok: false, out: err.stderr }),
  );
}

test("etcd answers only a client with the control plane's certificate", async (t) => {
  const pki = testPkiDir();
  const anonymous = await range();
  t.false(anonymous.ok, anonymous.out);
  // A certificate from the cluster CA (the API's own) is no key to etcd: it has a CA of its own.
  const wrongCa = await range({ crt: join(pki, 'apiserver.crt'), key: join(pki, 'apiserver.key') });
  t.false(wrongCa.ok, wrongCa.out);
  const controlPlane = await range({ crt: join(pki, 'etcd/client.crt'), key: join(pki, 'etcd/client.key') });
  t.true(controlPlane.ok, controlPlane.out);
  t.regex(controlPlane.out, /"header"/);
});

test('etcd listens on loopback only', async (t) => {
  const { stdout } = await run('ss', ['-Hltn', `( sport = :${new URL(TEST_ETCD).port} )`]);
  const addresses = stdout
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/)[3]);
  t.true(addresses.length > 0);
  t.true(
    addresses.every((a) => a?.startsWith('127.0.0.1:')),
    stdout,
  );
});
