import test from 'ava';
import type { Deployment, Endpoints, Pod, ReplicaSet } from '../../common/schema/index.js';
import { ANNOTATION_REVISION } from '../../reconciler/workloads/deployment-replica-set.js';
import { isPodActive, isPodReady } from '../../reconciler/workloads/pod-availability.js';
import { rolloutStatus } from '../../reconciler/workloads/rollout-status.js';
import { mkctlInProcess } from '../cli/run-mkctl.js';
import { waitForEvent } from '../helpers/cluster-waits.js';
import { trackExtremes, waitFor } from './agent-double.js';
import { startWorkloadCluster } from './workload-cluster.js';

const deployYaml = (image: string, extra = '', replicas = 3) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
${extra}  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: main
          image: ${image}
`;
const serviceYaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
const addresses = (e: Endpoints | undefined) => e?.subsets.reduce((n, s) => n + s.addresses.length, 0) ?? 0;
const surgeOne = '  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n';

const rolledOut = (image: string) => (ds: Map<string, Deployment>) => {
  const d = ds.get('web');
  return d !== undefined && d.spec.template.spec.containers[0]!.image === image && rolloutStatus(d).done;
};
const byRevision = (rss: Map<string, ReplicaSet>) =>
  [...rss.values()].sort((a, b) => Number(a.metadata.annotations?.[ANNOTATION_REVISION]) - Number(b.metadata.annotations?.[ANNOTATION_REVISION]));
const podsOf = (pods: Map<string, Pod>, rs: ReplicaSet) =>
  [...pods.values()].filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid && isPodActive(p));

test.serial('a template change rolls out without dropping below the replica count, and a revert reuses the old replica set', async (t) => {
  const { client, push, configPath } = await startWorkloadCluster(t, { 'apps/web.yaml': deployYaml('busybox:v1', surgeOne), 'apps/web-svc.yaml': serviceYaml });
  await waitFor(client, 'Deployment', rolledOut('busybox:v1'));
  const [v1] = byRevision(await waitFor(client, 'ReplicaSet', (rss) => rss.size === 1));

  await waitFor(client, 'Endpoints', (eps) => addresses(eps.get('web')) === 3);
  const ready = await trackExtremes(t, client, 'Pod', (pods) => pods.filter(isPodReady).length);
  const active = await trackExtremes(t, client, 'Pod', (pods) => pods.filter(isPodActive).length);
  const endpoints = await trackExtremes(t, client, 'Endpoints', (eps) => addresses(eps.find((e) => e.metadata.name === 'web')));
  await push({ 'apps/web.yaml': deployYaml('busybox:v2', surgeOne) });
  await waitFor(client, 'Deployment', rolledOut('busybox:v2'));
  t.is(ready.min, 3, 'never fewer than 3 ready pods');
  t.is(active.max, 4, 'never more than 3 + maxSurge pods');
  t.true(endpoints.min >= 3, 'the service in front never lost an endpoint it needed');

  const rss = byRevision(await waitFor(client, 'ReplicaSet', (r) => r.size === 2 && [...r.values()].every((rs) => rs.status?.replicas === rs.spec.replicas)));
  t.deepEqual(
    rss.map((rs) => [rs.metadata.annotations?.[ANNOTATION_REVISION], rs.spec.replicas]),
    [
      ['1', 0],
      ['2', 3],
    ],
  );
  const v2 = rss[1]!;
  t.regex(v2.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  t.is(v2.metadata.labels?.['pod-template-hash'], v2.metadata.name.slice('web-'.length));
  t.is(v2.metadata.ownerReferences?.[0]?.kind, 'Deployment');
  t.truthy(await waitForEvent(client, 'ScalingReplicaSet', new RegExp(`^Scaled down replica set ${v1!.metadata.name} from 1 to 0$`)));

  const status = await mkctlInProcess(configPath, ['rollout', 'status', 'deploy/web']);
  t.is(status.stdout, 'deployment "web" successfully rolled out\n');

  // git revert: the v1 template again, so its replica set comes back as revision 3.
  await push({ 'apps/web.yaml': deployYaml('busybox:v1', surgeOne) });
  await waitFor(client, 'Deployment', rolledOut('busybox:v1'));
  const after = await waitFor(client, 'ReplicaSet', (r) => r.get(v1!.metadata.name)?.spec.replicas === 3);
  t.is(after.size, 2);
  t.is(after.get(v1!.metadata.name)?.metadata.uid, v1!.metadata.uid);
  t.is(after.get(v1!.metadata.name)?.metadata.annotations?.[ANNOTATION_REVISION], '3');

  const get = await mkctlInProcess(configPath, ['get', 'deploy']);
  t.regex(get.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\d+s\n$/);
  const describe = await mkctlInProcess(configPath, ['describe', 'deploy', 'web']);
  t.regex(describe.stdout, /Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
  t.regex(describe.stdout, new RegExp(`NewReplicaSet:\\s+${v1!.metadata.name} \\(3/3 replicas created\\)`));
  t.regex(describe.stdout, /ScalingReplicaSet/);
});

test.serial('new pods that never become ready hold the rollout until its progress deadline, with the old pods serving', async (t) => {
  const { client, push, agent, configPath } = await startWorkloadCluster(t, {
    'apps/web.yaml': deployYaml('busybox:v1', `${surgeOne}  progressDeadlineSeconds: 2\n`),
  });
  await waitFor(client, 'Deployment', rolledOut('busybox:v1'));
  agent.admit((p) => p.spec.containers[0]!.image === 'busybox:v1');
  await push({ 'apps/web.yaml': deployYaml('busybox:broken', `${surgeOne}  progressDeadlineSeconds: 2\n`) });

  const timedOut = await waitFor(client, 'Deployment', (ds) =>
    Boolean(ds.get('web')?.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')),
  );
  t.like(timedOut.get('web')?.status, { replicas: 4, updatedReplicas: 1, availableReplicas: 3 });
  const pods = await client.list('Pod', { namespace: 'default' });
  t.is(pods.items.filter((p) => p.spec.containers[0]!.image === 'busybox:v1').length, 3);
  const status = await mkctlInProcess(configPath, ['rollout', 'status', 'deploy/web']);
  t.is(status.code, 1);
  t.regex(status.stderr, /deployment "web" exceeded its progress deadline/);
});

test('Recreate removes every old pod before the new ones start', async (t) => {
  const recreate = '  strategy:\n    type: Recreate\n';
  const { client, push } = await startWorkloadCluster(t, { 'apps/web.yaml': deployYaml('busybox:v1', recreate, 2) });
  await waitFor(client, 'Deployment', rolledOut('busybox:v1'));
  const versions = await trackExtremes(t, client, 'Pod', (pods) => new Set(pods.filter(isPodActive).map((p) => p.spec.containers[0]!.image)).size);
  await push({ 'apps/web.yaml': deployYaml('busybox:v2', recreate, 2) });
  await waitFor(client, 'Deployment', rolledOut('busybox:v2'));
  t.is(versions.max, 1, 'old and new pods never ran at once');
});

test('revisionHistoryLimit keeps that many old replica sets, and removing the deployment from Git removes the rest', async (t) => {
  const limit = '  revisionHistoryLimit: 1\n';
  const { client, push } = await startWorkloadCluster(t, { 'apps/web.yaml': deployYaml('busybox:v1', limit, 1) });
  let previous = 'v1';
  for (const v of ['v2', 'v3', 'v4']) {
    await waitFor(client, 'Deployment', rolledOut(`busybox:${previous}`));
    await push({ 'apps/web.yaml': deployYaml(`busybox:${v}`, limit, 1) });
    previous = v;
  }
  await waitFor(client, 'Deployment', rolledOut('busybox:v4'));
  const rss = byRevision(await waitFor(client, 'ReplicaSet', (r) => r.size === 2));
  t.deepEqual(
    rss.map((rs) => rs.metadata.annotations?.[ANNOTATION_REVISION]),
    ['3', '4'],
  );
  t.is(podsOf(await waitFor(client, 'Pod', (ps) => ps.size === 1), rss[1]!).length, 1);

  await push({ 'apps/web.yaml': null });
  await waitFor(client, 'ReplicaSet', (r) => r.size === 0);
  t.is((await waitFor(client, 'Pod', (ps) => ps.size === 0)).size, 0);
});
