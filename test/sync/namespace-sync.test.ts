import test from 'ava';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { workloadYaml } from '../helpers/manifests.js';
import { waitFor } from '../workloads/agent-double.js';
import { cloneRepo, commitAndPush } from './git-cluster.js';

const inNamespace = (yaml: string, namespace: string) => {
  const o = parseYaml(yaml) as { metadata: Record<string, unknown> };
  return toYaml({ ...o, metadata: { ...o.metadata, namespace } });
};

test('a namespace removed from Git is Terminating while its objects are deleted, then it goes', async (t) => {
  t.timeout(60_000);
  const { pushUrl, client } = await startTestControlPlane(t);
  const dir = await cloneRepo(t, pushUrl);
  const added = await commitAndPush(dir, {
    'shop/namespace.yaml': toYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }),
    'shop/web.yaml': inNamespace(workloadYaml('Deployment', 'web', 2), 'shop'),
  });
  if (!added.ok) return t.fail(added.output);
  await waitFor(client, 'Pod', (pods) => pods.size === 2, 30_000, 'shop');
  const before = await client.list('Namespace');
  t.like(
    before.items.find((n) => n.metadata.name === 'shop'),
    { status: { phase: 'Active' } },
  );
  t.true(
    ['default', 'kube-system', 'kube-node-lease'].every((n) => before.items.some((ns) => ns.metadata.name === n)),
    'built-in namespaces exist',
  );

  const removed = await commitAndPush(dir, { 'shop/namespace.yaml': null, 'shop/web.yaml': null });
  if (!removed.ok) return t.fail(removed.output);
  const phases: string[] = [];
  const left: number[] = [];
  for await (const e of client.watch('Namespace', { resourceVersion: before.resourceVersion }, AbortSignal.timeout(45_000))) {
    if (e.object.metadata.name !== 'shop') continue;
    if (e.type !== 'DELETED') {
      phases.push(e.object.status?.phase ?? 'none');
      continue;
    }
    // The namespace goes last: by then nothing is left in it.
    for (const kind of ['Deployment', 'ReplicaSet', 'Pod'] as const) left.push((await client.list(kind, { namespace: 'shop' })).items.length);
    break;
  }
  t.true(phases.includes('Terminating'), `phases seen: ${phases.join(', ')}`);
  t.deepEqual(left, [0, 0, 0]);
});
