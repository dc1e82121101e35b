/**
 * scripts/lib/supervisor.sh, the shell API every daemon is started through, run for real: a private
 * supervisord in a temporary MINIK8S_RUN supervises `sleep` programs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { repoRoot } from '../../common/paths/repo-root.js';
import { eventually } from '../node-agent/agent-harness.js';

const exec = promisify(execFile);
let dir = '';

/** Runs a snippet with the supervisor library loaded, against the test's own supervisord. */
async function sh(snippet: string): Promise<string> {
  const lib = ['common', 'supervisor'].map((f) => `source ${join(repoRoot, 'scripts/lib', `${f}.sh`)}`).join('; ');
  const env = { ...process.env, MINIK8S_RUN: join(dir, 'run'), MINIK8S_HOME: join(dir, 'home') };
  const { stdout } = await exec('bash', ['-c', `set -euo pipefail; ${lib}; mkdir -p "$MINIK8S_LOGS"; ${snippet}`], { env });
  return stdout.trim();
}

const pid = (name: string) => sh(`program_pid ${name}`);
const alive = (p: string) =>
  stat(`/proc/${p}`).then(
    () => true,
    () => false,
  );

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minik8s-supervisor-'));
});
test.after.always(async () => {
  await sh('supervisor_down').catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

test.serial('renders a program with its command quoted as supervisord splits it', async (t) => {
  const conf = await sh(`render_program_conf web /logs/web.log 7 3 bash -c "echo 'it''s' 100%"`);
  t.true(conf.startsWith('[program:web]\n'));
  t.regex(conf, /^command=bash -c 'echo '"'"'it'"'"''"'"'s'"'"' 100%%'$/m);
  t.regex(conf, /^stopwaitsecs=7$/m);
  t.regex(conf, /^priority=3$/m);
  t.regex(conf, /^autorestart=true$/m);
});

test.serial('restarts a SIGKILLed program within 5 s and logs the restart', async (t) => {
  await sh('supervise_program sleeper sleep 1000');
  const first = await pid('sleeper');
  t.regex(first, /^\d+$/);
  const killedAt = Date.now();
  process.kill(Number(first), 'SIGKILL');
  // Read from supervisord's own log (each supervisorctl call costs a Python start, too slow to time with).
  const log = () => readFile(join(dir, 'home/logs/supervisord.log'), 'utf8');
  const respawned = new RegExp(`exited: sleeper \\(terminated by SIGKILL; not expected\\)\\n.*spawned: 'sleeper' with pid (?!${first}\\b)\\d+`);
  t.true(await eventually(async () => respawned.test(await log()), 5_000));
  t.log(`back after ${Date.now() - killedAt} ms`);
  t.not(await pid('sleeper'), first);
});

test.serial('leaves a running program alone when its command is the same, restarts it when it changed', async (t) => {
  const before = await pid('sleeper');
  await sh('supervise_program sleeper sleep 1000');
  t.is(await pid('sleeper'), before);
  await sh('supervise_program sleeper sleep 999');
  const after = await pid('sleeper');
  t.not(after, before);
  t.false(await alive(before));
});

test.serial('listens only on a unix socket in a directory of mode 0700', async (t) => {
  const run = join(dir, 'run/supervisor');
  t.is((await stat(run)).mode & 0o777, 0o700);
  t.true((await stat(join(run, 'supervisor.sock'))).isSocket());
  const conf = await readFile(join(run, 'supervisord.conf'), 'utf8');
  t.notRegex(conf, /inet_http_server/);
});

test.serial('after its supervisord is killed, the next start ends the programs it left and starts clean', async (t) => {
  const orphan = await pid('sleeper');
  const supervisord = (await readFile(join(dir, 'run/supervisor/supervisord.pid'), 'utf8')).trim();
  process.kill(Number(supervisord), 'SIGKILL');
  t.true(await eventually(async () => !(await alive(supervisord)), 5_000));
  await sh('supervisor_up');
  t.true(await eventually(async () => !(await alive(orphan)), 5_000));
  t.is(await sh('program_state sleeper'), 'UNKNOWN');
  await sh('supervise_program sleeper sleep 1000');
  t.regex(await pid('sleeper'), /^\d+$/);
});

test.serial('supervisor_down stops every program and supervisord', async (t) => {
  const last = await pid('sleeper');
  await sh('supervisor_down');
  t.false(await alive(last));
  t.is(await sh('program_state sleeper'), 'UNKNOWN');
});
