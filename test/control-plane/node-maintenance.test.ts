import test from 'ava';
import { LABEL_MANAGED_BY, MANAGED_BY_GIT, type Pod, type ReplicaSet } from '../../common/schema/index.js';
import { runMkctl } from '../cli/run-mkctl.js';
import { registerReadyNode, waitForPod } from '../helpers/cluster-waits.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { makeNode, makePod } from '../helpers/fixtures.js';

test('a cordoned node gets no new pods; uncordoned, it does', async (t) => {
  const { cp, client, configPath } = await startTestControlPlane(t);
  await registerReadyNode(client, makeNode('node-1'));
  t.is((await runMkctl(configPath, ['cordon', 'node-1'])).stdout, 'node/node-1 cordoned\n');
  await cp.store.create(makePod('p'));
  const pending = await waitForPod(client, 'p', (p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false);
  t.regex(pending.status!.conditions![0]!.message!, /1 node\(s\) unschedulable/);
  await runMkctl(configPath, ['uncordon', 'node-1']);
  t.is((await waitForPod(client, 'p', (p) => p.spec.nodeName !== undefined)).spec.nodeName, 'node-1');
});

test('drain cordons the node, deletes controller pods and reschedules pods from Git elsewhere', async (t) => {
  const { cp, client, configPath } = await startTestControlPlane(t);
  await registerReadyNode(client, makeNode('node-1'));
  await registerReadyNode(client, makeNode('node-2'));
  const fromGit: Pod = makePod('git-pod', { nodeName: 'node-1' });
  fromGit.metadata.labels = { [LABEL_MANAGED_BY]: MANAGED_BY_GIT };
  await cp.store.create(fromGit);
  // The owner must exist, or garbage collection deletes its pod first; both in one write, so the ReplicaSet never sees 0 pods.
  const owned = makePod('owned', { nodeName: 'node-1', owner: 'rs' });
  const { nodeName: _bound, ...podSpec } = owned.spec;
  const template = { metadata: { labels: { app: 'rs' } }, spec: podSpec };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'default', uid: 'uid-rs' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'rs' } }, template },
  };
  await cp.store.commit([
    { type: 'put', object: rs },
    { type: 'put', object: { ...owned, metadata: { ...owned.metadata, labels: { app: 'rs' } } } },
  ]);
  const before = await client.get({ kind: 'Pod', namespace: 'default', name: 'git-pod' });

  const r = await runMkctl(configPath, ['drain', 'node-1']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /evicting pod default\/owned/);
  const moved = await waitForPod(client, 'git-pod', (p) => p.spec.nodeName !== undefined);
  t.is(moved.spec.nodeName, 'node-2');
  t.not(moved.metadata.uid, before?.metadata.uid);
  t.is(await client.get({ kind: 'Pod', namespace: 'default', name: 'owned' }), undefined);
  t.true((await client.get({ kind: 'Node', name: 'node-1' }))?.spec.unschedulable);
});
