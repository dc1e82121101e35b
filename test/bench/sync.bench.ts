/**
 * Git → etcd sync bench: push-to-visible latency of a one-file change, and the full sync of a
 * 1,000-object repository, each beside a bare `git push` to a plain repository served by the same
 * HTTP router (no hooks, no sync). Run: npm run bench:sync
 */
import { performance } from 'node:perf_hooks';
import type { ExecutionContext } from 'ava';
import { runGit } from '../../reconciler/git/run-git.js';
import { cloneRepo, type GitCluster, podYaml, servePlainRepo, startGitCluster } from '../sync/git-cluster.js';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 40);
const OBJECTS = 1000;
const PER_FILE = 10;

// The test helpers only need teardown; the bench runs the cleanups itself at the end.
const cleanups: Array<() => unknown> = [];
const scope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as ExecutionContext;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function timedPush(dir: string, url: string): Promise<number> {
  const t0 = performance.now();
  await runGit(['push', '--quiet', url, 'HEAD:main'], { cwd: dir });
  return performance.now() - t0;
}

async function commit(dir: string, files: Record<string, string>, message: string): Promise<void> {
  const { writeFile, mkdir } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await runGit(['add', '--all'], { cwd: dir });
  await runGit(['commit', '--quiet', '-m', message], { cwd: dir });
}

/** Resolves when the store shows pod `name` with `image`: the moment a change is visible to controllers. */
async function visibleWatcher(c: GitCluster) {
  const waiters = new Map<string, () => void>();
  const { revision } = await c.store.list('Pod');
  const w = await c.store.watch('Pod', { afterRevision: revision }, (e) => {
    const key = `${e.object.metadata.name}@${e.object.spec.containers[0]?.image}`;
    waiters.get(key)?.();
    waiters.delete(key);
  });
  cleanups.push(() => w.close());
  return (name: string, image: string) => new Promise<void>((resolve) => waiters.set(`${name}@${image}`, resolve));
}

async function onePushLatency() {
  const c = await startGitCluster(scope, { seedDir: 'cluster-repo' });
  const plain = await servePlainRepo(scope);
  const dir = await cloneRepo(scope, c.pushUrl);
  const bareDir = await cloneRepo(scope, plain.pushUrl);
  const visible = await visibleWatcher(c);
  const bare: number[] = [];
  const pushes: number[] = [];
  const toVisible: number[] = [];
  for (let i = 0; i < PUSHES; i++) {
    const change = { 'apps/bench.yaml': podYaml('bench', `busybox:${i}`) };
    await commit(bareDir, change, `bench ${i}`);
    bare.push(await timedPush(bareDir, plain.pushUrl));
    await commit(dir, change, `bench ${i}`);
    const seen = visible('bench', `busybox:${i}`);
    const t0 = performance.now();
    pushes.push(await timedPush(dir, c.pushUrl));
    await seen;
    toVisible.push(performance.now() - t0);
  }
  return { bare, pushes, toVisible };
}

function manyObjects(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < OBJECTS / PER_FILE; f++)
    files[`gen/f${String(f).padStart(3, '0')}.yaml`] = Array.from({ length: PER_FILE }, (_, i) => podYaml(`gen-${f}-${i}`)).join('---\n');
  return files;
}

async function fullSync() {
  const c = await startGitCluster(scope);
  const plain = await servePlainRepo(scope);
  const dir = await cloneRepo(scope, c.pushUrl);
  const bareDir = await cloneRepo(scope, plain.pushUrl);
  const files = manyObjects();
  await commit(bareDir, files, 'many');
  const bare = await timedPush(bareDir, plain.pushUrl);
  await commit(dir, files, 'many');
  const t0 = performance.now();
  const push = await timedPush(dir, c.pushUrl);
  const revision = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
  const result = await c.sync.controller.waitForResult(revision, 60_000);
  const total = performance.now() - t0;
  if (result?.counts.created !== OBJECTS) throw new Error(`expected ${OBJECTS} objects created, got ${JSON.stringify(result?.counts)}`);
  // The same revision again from a cold start of the sync: a restart that finds everything in place.
  const restarted = await c.restart();
  const t1 = performance.now();
  await restarted.controller.whenIdle();
  const resync = performance.now() - t1;
  return { bare, push, sync: result.durationMs, total, resync };
}

try {
  const one = await onePushLatency();
  const many = await fullSync();
  const bareP50 = pct(one.bare, 50);
  const rows = [
    ['measure', 'p50', 'p99'],
    [`bare git push, plain repo (${PUSHES}x)`, ms(bareP50), ms(pct(one.bare, 99))],
    [`git push to cluster repo, hook validates (${PUSHES}x)`, ms(pct(one.pushes, 50)), ms(pct(one.pushes, 99))],
    [`one-file push -> visible in etcd (${PUSHES}x)`, ms(pct(one.toVisible, 50)), ms(pct(one.toVisible, 99))],
    ['  ... beyond the bare push', ms(pct(one.toVisible, 50) - bareP50), ms(pct(one.toVisible, 99) - bareP50)],
    [`bare git push of ${OBJECTS} objects, plain repo`, ms(many.bare), ''],
    [`git push of ${OBJECTS} objects to cluster repo (hook)`, ms(many.push), ''],
    [`sync of ${OBJECTS} objects (read, validate, plan, apply)`, ms(many.sync), ''],
    [`push -> ${OBJECTS} objects visible, total`, ms(many.total), ''],
    [`  ... beyond the bare push`, ms(many.total - many.bare), ''],
    [`restart with ${OBJECTS} objects in place (writes nothing)`, ms(many.resync), ''],
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n'));
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
