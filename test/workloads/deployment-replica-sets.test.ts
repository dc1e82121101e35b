import test from 'ava';
import { type Deployment, parseManifest, type ReplicaSet } from '../../common/schema/index.js';
import { withClusterAssigned } from '../../reconciler/sync/cluster-assigned.js';
import { ANNOTATION_REVISION, replicaSetFor, replicaSetsBeyondHistory } from '../../reconciler/workloads/deployment-replica-set.js';
import { podForReplicaSet } from '../../reconciler/workloads/pod-for-replica-set.js';
import { podTemplateHash } from '../../reconciler/workloads/pod-template-hash.js';
import { deployment } from './workload-fixtures.js';

test('the pod template hash is stable, ignores key order, and changes with the template', (t) => {
  const a = deployment('web').spec.template;
  const reordered = { spec: a.spec, metadata: a.metadata };
  t.is(podTemplateHash(a), podTemplateHash(reordered));
  t.regex(podTemplateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  t.not(podTemplateHash(a), podTemplateHash(deployment('web', {}, 'busybox:1.36').spec.template));
});

test("a deployment's replica set is named and labelled by the template hash and owned by the deployment", (t) => {
  const d = deployment('web');
  const hash = podTemplateHash(d.spec.template);
  const rs = replicaSetFor(d, 2, 3);
  t.is(rs.metadata.name, `web-${hash}`);
  t.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
  t.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
  t.deepEqual(rs.spec.template.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  t.is(rs.metadata.annotations?.[ANNOTATION_REVISION], '3');
  t.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }]);
  t.is(rs.spec.replicas, 2);
});

test("a replica set's pod carries the template labels, an owner reference and a generated name", (t) => {
  const base = replicaSetFor(deployment('web'), 1, 1);
  const rs: ReplicaSet = { ...base, metadata: { ...base.metadata, uid: 'rs-uid' } };
  const pod = podForReplicaSet(rs, 'x2z4b');
  t.is(pod.metadata.name, `${rs.metadata.name}-x2z4b`);
  t.deepEqual(pod.metadata.labels, rs.spec.template.metadata?.labels);
  t.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: 'rs-uid', controller: true }]);
  t.is(pod.spec.containers[0]?.image, 'busybox:latest');
});

test('history keeps the newest idle replica sets up to the limit and never one with replicas or pods', (t) => {
  const rs = (revision: number, replicas = 0) => ({ ...replicaSetFor(deployment('web', {}, `busybox:${revision}`), replicas, revision) });
  const old = [
    { rs: rs(3), pods: 0 },
    { rs: rs(1), pods: 0 },
    { rs: rs(2), pods: 1 },
    { rs: rs(4), pods: 0 },
    { rs: rs(5, 1), pods: 1 },
  ];
  t.deepEqual(
    replicaSetsBeyondHistory(old, 1).map((r) => r.metadata.annotations?.[ANNOTATION_REVISION]),
    ['1', '3'],
  );
  t.deepEqual(replicaSetsBeyondHistory(old, 10), []);
});

test('a selector that does not match the template labels is refused, as are both rollout bounds at 0', (t) => {
  const manifest = (spec: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      ...spec,
    },
  });
  const errors = (raw: unknown) => {
    const r = parseManifest(raw);
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  t.deepEqual(errors(manifest({})), []);
  t.deepEqual(errors(manifest({ selector: { matchLabels: { app: 'api' } } })), ['spec.template.metadata.labels: `selector` does not match template `labels`']);
  t.deepEqual(errors(manifest({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0',
  ]);
  t.deepEqual(errors(manifest({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), [
    'spec.strategy.rollingUpdate: may not be specified when strategy `type` is Recreate',
  ]);
  t.deepEqual(errors({ ...manifest({}), kind: 'ReplicaSet', spec: { ...manifest({}).spec, selector: {} } }), ['spec.selector: empty selector is invalid']);
});

test('Git sync keeps the replica count, and the mark, of a workload an autoscaler marked as its own', (t) => {
  const fromGit = deployment('web', { replicas: 2 });
  t.is((withClusterAssigned(fromGit, deployment('web', { replicas: 7 })) as Deployment).spec.replicas, 2, "unmarked: Git's count");
  const scaled = deployment('web', { replicas: 7 });
  const marked: Deployment = { ...scaled, metadata: { ...scaled.metadata, annotations: { 'minik8s.io/replicas-managed-by': 'hpa' } } };
  const kept = withClusterAssigned(fromGit, marked) as Deployment;
  t.is(kept.spec.replicas, 7);
  t.is(kept.metadata.annotations?.['minik8s.io/replicas-managed-by'], 'hpa');
});
