import type { ExecutionContext } from 'ava';
import { registerReadyNode } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makeNode } from '../helpers/fixtures.js';
import { cloneRepo, commitAndPush } from '../sync/git-cluster.js';
import { startAgentDouble } from './agent-double.js';

/**
 * A control plane with one Ready node whose pods the agent double reports Running, and a clone of the
 * cluster repository: `push` commits files (null removes) and pushes, as a user would; `files` go first.
 */
export async function startWorkloadCluster(t: ExecutionContext, files: Record<string, string | null>) {
  const env = await startTestControlPlane(t);
  await registerReadyNode(env.client, makeNode('node-1'));
  const agent = await startAgentDouble(t, env.client);
  const dir = await cloneRepo(t, env.pushUrl);
  const push = async (f: Record<string, string | null>) => {
    const r = await commitAndPush(dir, f);
    if (!r.ok) throw new Error(r.output);
  };
  await push(files);
  return { ...env, agent, push };
}
