import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GIT_USER } from '../../common/config/cluster-config.js';
import { isManifestPath } from '../../reconciler/git/commit-reader.js';
import type { TreeEdit } from '../../reconciler/git/manifest-edits.js';
import { GitCommandError, runGit } from '../../reconciler/git/run-git.js';

/** The server refused a push: `messages` are what its hook said (the manifest errors). */
export class PushRejectedError extends Error {
  override name = 'PushRejectedError';
  constructor(readonly messages: string[]) {
    super(messages.join('\n'));
  }
}

/**
 * A temporary clone of the cluster repository for one change made by the CLI: edit files, commit, push.
 * Credentials travel in git's environment (not in URLs or argv, where other users could see them).
 */
export class ClusterClone {
  private constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
  ) {}

  /** `caFile`: the cluster CA, which git verifies the server's certificate with. */
  static async open(gitUrl: string, token: string, caFile: string): Promise<ClusterClone> {
    const dir = await mkdtemp(join(tmpdir(), 'mkctl-'));
    const env = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${GIT_USER}:${token}`).toString('base64')}`,
      GIT_SSL_CAINFO: caFile,
      GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? process.env.USER ?? 'mkctl',
      GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'mkctl@localhost',
      GIT_COMMITTER_NAME: 'mkctl',
      GIT_COMMITTER_EMAIL: 'mkctl@localhost',
    };
    try {
      await runGit(['clone', '--quiet', '--depth', '1', gitUrl, dir], { env });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `cannot clone the cluster repository ${gitUrl}: ${err instanceof GitCommandError ? err.stderr.trim().split('\n').pop() : (err as Error).message}`,
      );
    }
    return new ClusterClone(dir, env);
  }

  #git(args: string[]): Promise<string> {
    return runGit(args, { cwd: this.dir, env: this.env });
  }

  /** Every manifest file of the work tree, by path. */
  async manifests(): Promise<Map<string, string>> {
    const paths = (await this.#git(['ls-files', '-z'])).split('\0').filter((p) => p && isManifestPath(p));
    return new Map(await Promise.all(paths.map(async (p) => [p, await readFile(join(this.dir, p), 'utf8')] as const)));
  }

  async write(edit: TreeEdit): Promise<void> {
    for (const [path, content] of edit) {
      if (content === null) await this.#git(['rm', '--quiet', '--', path]);
      else {
        await mkdir(dirname(join(this.dir, path)), { recursive: true });
        await writeFile(join(this.dir, path), content);
        await this.#git(['add', '--', path]);
      }
    }
  }

  /** Commits the staged changes and pushes them; returns the new revision, or undefined when nothing changed. */
  async commitAndPush(message: string): Promise<string | undefined> {
    if ((await this.#git(['status', '--porcelain'])) === '') return undefined;
    await this.#git(['commit', '--quiet', '-m', message]);
    try {
      await this.#git(['push', '--quiet', 'origin', 'HEAD:main']);
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      const remote = err.stderr
        .split('\n')
        .filter((l) => l.startsWith('remote: '))
        .map((l) => l.slice('remote: '.length).trimEnd());
      throw new PushRejectedError(remote.length > 0 ? remote : [err.stderr.trim()]);
    }
    return this.#git(['rev-parse', 'HEAD']);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
