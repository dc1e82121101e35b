import test from 'ava';
import { ANNOTATION_SOURCE_COMMIT, ANNOTATION_SOURCE_FILE, type ApiObject, LABEL_MANAGED_BY, MANAGED_BY_GIT, type Pod } from '../../common/schema/index.js';
import { planChanges } from '../../reconciler/sync/apply-plan.js';
import type { LoadedObject } from '../../reconciler/sync/manifest-loader.js';
import { planSync } from '../../reconciler/sync/plan.js';
import { makePod } from '../helpers/fixtures.js';

const manifest = (name: string, file = `apps/${name}.yaml`, image = 'busybox:latest'): LoadedObject => {
  const object = makePod(name);
  delete object.metadata.uid;
  object.spec.containers[0]!.image = image;
  return { object, file, line: 1 };
};

/** The object as a previous sync stored it. */
const stored = (name: string, opts: { file?: string; commit?: string; image?: string; rv?: string } = {}): Pod => {
  const pod = manifest(name, opts.file, opts.image).object as Pod;
  pod.metadata = {
    ...pod.metadata,
    uid: `uid-${name}`,
    resourceVersion: opts.rv ?? '7',
    creationTimestamp: '2026-01-01T00:00:00Z',
    generation: 1,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY_GIT },
    annotations: { [ANNOTATION_SOURCE_FILE]: opts.file ?? `apps/${name}.yaml`, [ANNOTATION_SOURCE_COMMIT]: opts.commit ?? 'c0' },
  };
  pod.status = { phase: 'Running' };
  return pod;
};

const actions = (p: ReturnType<typeof planSync>) => Object.fromEntries(p.changes.map((c) => [c.ref.name, c.action]));

test('creates objects that are not stored yet, marked with their source', (t) => {
  const plan = planSync({ revision: 'c1', desired: [manifest('web')], current: [], previousInventory: [], failedFiles: [] });
  t.deepEqual(actions(plan), { web: 'created' });
  const o = plan.changes[0]!.object!;
  t.is(o.metadata.labels?.[LABEL_MANAGED_BY], MANAGED_BY_GIT);
  t.is(o.metadata.annotations?.[ANNOTATION_SOURCE_FILE], 'apps/web.yaml');
  t.is(o.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT], 'c1');
  t.deepEqual(plan.inventory, ['Pod/default/web']);
  t.deepEqual(plan.counts, { created: 1, configured: 0, unchanged: 0, pruned: 0 });
});

test('does nothing when in sync, whatever the status, server metadata and source commit say', (t) => {
  const plan = planSync({
    revision: 'c9',
    desired: [manifest('web')],
    current: [stored('web', { commit: 'c1' })],
    previousInventory: ['Pod/default/web'],
    failedFiles: [],
  });
  t.deepEqual(actions(plan), { web: 'unchanged' });
  t.deepEqual(planChanges(plan), []);
});

test('configures a changed object, keeping its identity and status and bumping the generation', (t) => {
  const plan = planSync({
    revision: 'c2',
    desired: [manifest('web', undefined, 'nginx:1')],
    current: [stored('web')],
    previousInventory: ['Pod/default/web'],
    failedFiles: [],
  });
  t.deepEqual(actions(plan), { web: 'configured' });
  const o = plan.changes[0]!.object as Pod;
  t.is(o.spec.containers[0]!.image, 'nginx:1');
  t.like(o.metadata, { uid: 'uid-web', creationTimestamp: '2026-01-01T00:00:00Z', generation: 2 });
  t.deepEqual(o.status, { phase: 'Running' });
  t.is(o.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT], 'c2');
  t.like(planChanges(plan)[0], { type: 'put', resourceVersion: '7' });
});

test('prunes an object whose manifest was removed', (t) => {
  const plan = planSync({ revision: 'c2', desired: [], current: [stored('old')], previousInventory: ['Pod/default/old'], failedFiles: [] });
  t.deepEqual(actions(plan), { old: 'deleted' });
  t.deepEqual(planChanges(plan), [{ type: 'delete', ref: { kind: 'Pod', namespace: 'default', name: 'old' }, resourceVersion: '7' }]);
  t.deepEqual(plan.inventory, []);
});

test('never prunes objects that controllers created', (t) => {
  const owned = makePod('web-abc12', { owner: 'web' }) as ApiObject;
  const plan = planSync({ revision: 'c2', desired: [], current: [owned], previousInventory: [], failedFiles: [] });
  t.deepEqual(plan.changes, []);
});

test('keeps the last good version of objects whose file failed validation', (t) => {
  const plan = planSync({
    revision: 'c3',
    desired: [manifest('b')],
    current: [stored('a'), stored('b')],
    previousInventory: ['Pod/default/a', 'Pod/default/b'],
    failedFiles: ['apps/a.yaml'],
  });
  t.deepEqual(actions(plan), { b: 'unchanged' });
  t.deepEqual(plan.inventory, ['Pod/default/a', 'Pod/default/b']);
});

test('new objects are created with identity and a must-not-exist guard', (t) => {
  const plan = planSync({ revision: 'c1', desired: [manifest('web')], current: [], previousInventory: [], failedFiles: [] });
  const [change] = planChanges(plan, '2026-02-02T00:00:00Z', () => 'u-1');
  t.like(change, { type: 'put', resourceVersion: '0', object: { metadata: { uid: 'u-1', creationTimestamp: '2026-02-02T00:00:00Z', generation: 1 } } });
});

test("keeps the scheduler's binding of a pod whose manifest names no node", (t) => {
  const bound = stored('web', { commit: 'c0' });
  bound.spec.nodeName = 'node-2';
  const unchanged = planSync({ revision: 'c1', desired: [manifest('web')], current: [bound], previousInventory: ['Pod/default/web'], failedFiles: [] });
  t.deepEqual(actions(unchanged), { web: 'unchanged' });
  const changed = planSync({
    revision: 'c2',
    desired: [manifest('web', undefined, 'busybox:1')],
    current: [bound],
    previousInventory: ['Pod/default/web'],
    failedFiles: [],
  });
  t.is((changed.changes[0]!.object as Pod).spec.nodeName, 'node-2');
});
