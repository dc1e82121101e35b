import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { repoRoot } from '../../common/paths/repo-root.js';

/** The npm scripts that run on the local cluster and have nothing to do before they reach it. */
const SCRIPTS = ['bench:pods', 'bench:heal', 'bench:observability', 'chaos'];

function runScript(script: string, home: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('npm', ['run', '-s', script], { cwd: repoRoot, env: { ...process.env, MINIK8S_HOME: home }, timeout: 60_000 }, (err, _out, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }),
    );
    child.stdin?.end();
  });
}

test('with no local cluster up, each cluster bench says in one line what to start, and fails', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'minik8s-no-cluster-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const results = await Promise.all(SCRIPTS.map(async (script) => ({ script, ...(await runScript(script, home)) })));
  for (const { script, code, stderr } of results) {
    t.is(code, 2, script);
    t.deepEqual(
      stderr.trim().split('\n'),
      [`this needs the local cluster, and ${home}/cluster.json does not exist: start it first with npm start (NODES=3 npm start for three nodes)`],
      script,
    );
  }
});
