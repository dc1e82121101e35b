import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { resolveBranch } from './commit-reader.js';
import type { GitSource } from './git-source.js';

export interface RemoteMirrorOptions {
  /** Local bare repository the remote's branch is fetched into. */
  gitdir: string;
  url: string;
  branch: string;
  intervalSeconds: number;
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * Follows an external repository (Gitea, GitHub...) by fetching its branch with isomorphic-git
 * into a local bare mirror, from which the sync reads commits like it does the hosted repository.
 */
export class RemoteMirror implements GitSource {
  readonly info;
  readonly gitdir: string;
  readonly ref: string;
  readonly pollIntervalMs: number;
  readonly #opts: RemoteMirrorOptions;
  #initialised = false;

  constructor(opts: RemoteMirrorOptions) {
    this.#opts = opts;
    this.info = { type: 'remote' as const, url: opts.url, branch: opts.branch };
    this.gitdir = opts.gitdir;
    this.ref = `refs/remotes/origin/${opts.branch}`;
    this.pollIntervalMs = opts.intervalSeconds * 1000;
  }

  async latestRevision(): Promise<string | undefined> {
    if (!this.#initialised) {
      await git.init({ fs, gitdir: this.gitdir, bare: true, defaultBranch: this.#opts.branch });
      await git.addRemote({ fs, gitdir: this.gitdir, remote: 'origin', url: this.#opts.url, force: true });
      this.#initialised = true;
    }
    const { username, password } = this.#opts;
    await git.fetch({
      fs,
      http,
      gitdir: this.gitdir,
      remote: 'origin',
      ref: this.#opts.branch,
      singleBranch: true,
      tags: false,
      ...(username !== undefined && { onAuth: () => ({ username, password: password ?? '' }) }),
    });
    return resolveBranch(this.gitdir, this.ref);
  }
}
