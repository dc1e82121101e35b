import { join } from 'node:path';
import type { Router } from 'express';
import { MINIK8S_API } from '../../common/client/api-paths.js';
import type { ClusterConfig, PodSecurityConfig } from '../../common/config/cluster-config.js';
import { checkPodSecurity, DEFAULT_POD_SECURITY } from '../admission/pod-security.js';
import { gitHttpRouter } from '../git/git-http-router.js';
import { type GitSource, hostedSource } from '../git/git-source.js';
import { ensureHostedRepo, installHooks } from '../git/hosted-repo.js';
import { RemoteMirror } from '../git/remote-mirror.js';
import type { KV } from '../store/kv.js';
import type { ObjectStore } from '../store/object-store.js';
import { ManifestCache } from './manifest-loader.js';
import { SyncController } from './sync-controller.js';
import { syncRoutes } from './sync-routes.js';
import { SyncStatusStore } from './sync-status-store.js';

export interface GitSyncOptions {
  store: ObjectStore;
  kv: KV;
  /** MINIK8S_HOME: the hosted repository lives in `<home>/git/cluster.git`, a remote's mirror in `<home>/git/mirror.git`. */
  home: string;
  /** Seeds the hosted repository on first start (the `cluster-repo/` folder). */
  repoSeedDir?: string;
  token: string;
  /** The URL the repository is cloned from, as users see it (shown by `mkctl sync`). */
  gitUrl: string;
  /** Base URL of the API as the pre-receive hook reaches it (on the control plane's own host). */
  apiUrlForHooks: string;
  /** The cluster CA, which the hook's curl verifies the API with. */
  caFile: string;
  remote?: ClusterConfig['remote'];
  /** On a cluster that has never synced, the first sync waits for this (the expected nodes being Ready). */
  beforeFirstSync?: () => Promise<void>;
  /** Told of every newly applied revision (and the one before it). */
  onApplied?: (revision: string, previous: string | undefined) => void;
  allowForcePush?: boolean;
  /** Pod Security admission for the manifests (Kubernetes' baseline, no hostPath, when absent). */
  podSecurity?: PodSecurityConfig;
}

export interface GitSync {
  /** Mount at `/git`, before any body parser. */
  gitRouter: Router;
  /** Mount behind the bearer-token authentication. */
  syncRouter: Router;
  controller: SyncController;
  /** The repository the sync reads (hosted, or a remote's mirror). */
  gitdir: string;
  /** The revision applied last, from the sync status in etcd. */
  appliedRevision(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** Wires the Git side of the control plane: the hosted repository, its HTTP server, the sync and its API. */
export async function startGitSync(opts: GitSyncOptions): Promise<GitSync> {
  const reposRoot = join(opts.home, 'git');
  const gitdir = await ensureHostedRepo(reposRoot, opts.repoSeedDir);
  await installHooks(gitdir, {
    validateUrl: `${opts.apiUrlForHooks.replace(/\/$/, '')}${MINIK8S_API}/validate/push`,
    token: opts.token,
    caFile: opts.caFile,
    allowForcePush: opts.allowForcePush ?? false,
  });
  const source: GitSource = opts.remote ? new RemoteMirror({ gitdir: join(reposRoot, 'mirror.git'), ...opts.remote }) : hostedSource(gitdir, opts.gitUrl);
  const status = new SyncStatusStore(opts.kv);
  const policy = opts.podSecurity ?? DEFAULT_POD_SECURITY;
  const cache = new ManifestCache({ check: (o) => checkPodSecurity(o, policy) });
  const controller = new SyncController({ store: opts.store, status, source, cache, ...(opts.onApplied && { onApplied: opts.onApplied }) });
  const gitRouter = gitHttpRouter({ reposRoot, token: opts.token, onPush: () => controller.trigger() });
  const syncRouter = syncRoutes({ controller, status, hostedGitdir: gitdir, cache });
  let stopped = false;
  const fresh = opts.beforeFirstSync && (await status.getStatus()) === undefined;
  void (fresh ? opts.beforeFirstSync!() : Promise.resolve()).then(() => stopped || controller.start());
  return {
    gitRouter,
    syncRouter,
    controller,
    gitdir: source.gitdir,
    appliedRevision: async () => (await status.getStatus())?.lastAppliedRevision,
    stop: () => {
      stopped = true;
      return controller.stop();
    },
  };
}
