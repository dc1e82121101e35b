import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_PUSH_BYTES } from '../store/size-limits.js';
import { resolveBranch } from './commit-reader.js';
import { hookEnv, POST_RECEIVE_HOOK, PRE_RECEIVE_HOOK } from './pre-receive-hook.js';
import { MINIK8S_COMMITTER, runGit } from './run-git.js';

export const DEFAULT_BRANCH = 'main';
export const HOSTED_REPO_NAME = 'cluster.git';

/** Where the pre-receive hook sends a pushed commit's manifests to be validated. */
export interface HookTarget {
  validateUrl: string;
  token: string;
  /** Accept non-fast-forward updates of the branch (default: refused). */
  allowForcePush?: boolean;
  /** The cluster CA, which the hook's curl verifies the API with. */
  caFile: string;
}

/**
 * Creates the cluster's bare repository under `reposRoot` when missing (default branch main,
 * pushes over HTTP allowed) and, while it has no commit, seeds it with one commit of `seedDir`.
 * Returns the repository's path (its gitdir).
 */
export async function ensureHostedRepo(reposRoot: string, seedDir?: string): Promise<string> {
  const gitdir = join(reposRoot, HOSTED_REPO_NAME);
  if (!existsSync(join(gitdir, 'HEAD'))) {
    await mkdir(gitdir, { recursive: true });
    await runGit(['init', '--quiet', '--bare', `--initial-branch=${DEFAULT_BRANCH}`, gitdir]);
  }
  await runGit(['--git-dir', gitdir, 'config', 'http.receivepack', 'true']);
  // git itself refuses a pack over the push limit, before anything of it is stored.
  await runGit(['--git-dir', gitdir, 'config', 'receive.maxInputSize', String(MAX_PUSH_BYTES)]);
  if (seedDir && existsSync(seedDir) && !(await resolveBranch(gitdir, DEFAULT_BRANCH))) await seed(gitdir, seedDir);
  return gitdir;
}

/** One commit of the seed directory, written with plumbing so no work tree or clone is needed. */
async function seed(gitdir: string, seedDir: string): Promise<void> {
  const env = { ...MINIK8S_COMMITTER, GIT_INDEX_FILE: join(gitdir, 'seed-index') };
  const git = (args: string[], input?: string) =>
    runGit(['--git-dir', gitdir, '--work-tree', seedDir, ...args], { env, ...(input !== undefined && { input }) });
  await git(['add', '--all', '.']);
  const tree = await git(['write-tree']);
  const commit = await git(['commit-tree', tree, '-m', 'Seed the cluster repository']);
  await git(['update-ref', `refs/heads/${DEFAULT_BRANCH}`, commit, '']);
  await rm(env.GIT_INDEX_FILE, { force: true });
}

/** Installs the hooks that validate pushes to the default branch against the control plane and keep replaced history. */
export async function installHooks(gitdir: string, target: HookTarget): Promise<void> {
  const hooks = join(gitdir, 'hooks');
  await mkdir(hooks, { recursive: true });
  const settings = {
    MINIK8S_VALIDATE_URL: target.validateUrl,
    MINIK8S_TOKEN: target.token,
    MINIK8S_CA: target.caFile,
    MINIK8S_BRANCH: `refs/heads/${DEFAULT_BRANCH}`,
    MINIK8S_ALLOW_FORCE_PUSH: String(target.allowForcePush ?? false),
  };
  await writeFile(join(hooks, 'minik8s-hook.env'), hookEnv(settings), { mode: 0o600 });
  for (const [name, script] of [
    ['pre-receive', PRE_RECEIVE_HOOK],
    ['post-receive', POST_RECEIVE_HOOK],
  ] as const) {
    await writeFile(join(hooks, name), script);
    await chmod(join(hooks, name), 0o755);
  }
}
