import test from 'ava';
import { type ApiObject, LABEL_MANAGED_BY, MANAGED_BY_GIT, type Namespace, type Pod } from '../../common/schema/index.js';
import { NamespaceController } from '../../reconciler/controllers/namespace-controller.js';
import { planChanges } from '../../reconciler/sync/apply-plan.js';
import type { LoadedObject } from '../../reconciler/sync/manifest-loader.js';
import { planSync } from '../../reconciler/sync/plan.js';
import { controllerFixture, silentLog } from '../helpers/controller-fixture.js';
import { makePod } from '../helpers/fixtures.js';

const inShop = (name: string): Pod => {
  const pod = makePod(name);
  delete pod.metadata.uid;
  return { ...pod, metadata: { ...pod.metadata, namespace: 'shop' } };
};
const loaded = (object: ApiObject, file: string): LoadedObject => ({ object, file, line: 1 });
const namespace = (name: string, extra: Partial<Namespace['metadata']> = {}): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...extra },
});
/** As a previous sync stored it: Git's, with a version. */
const fromGit = <T extends ApiObject>(o: T): T => ({ ...o, metadata: { ...o.metadata, resourceVersion: '5', labels: { [LABEL_MANAGED_BY]: MANAGED_BY_GIT } } });

const plan = (desired: LoadedObject[], current: ApiObject[], previousInventory: string[] = []) =>
  planSync({ revision: 'c2', desired, current, previousInventory, failedFiles: [] });
const actions = (p: ReturnType<typeof plan>) => p.changes.map((c) => `${c.action} ${c.ref.kind}/${c.ref.name}`);

test('a namespace committed to Git is created Active with what it holds', (t) => {
  const p = plan([loaded(namespace('shop'), 'shop/ns.yaml'), loaded(inShop('web'), 'shop/web.yaml')], []);
  t.deepEqual(actions(p), ['created Namespace/shop', 'created Pod/web']);
  const ns = planChanges(p, 'now', () => 'uid').find((c) => c.type === 'put' && c.object.kind === 'Namespace');
  t.like(ns, { type: 'put', object: { metadata: { name: 'shop' }, status: { phase: 'Active' } } });
  t.deepEqual(p.provisioned, []);
});

test('a namespace objects use without declaring it is created for them, and is not Git’s to prune', (t) => {
  const p = plan([loaded(inShop('web'), 'shop/web.yaml')], []);
  t.deepEqual(
    p.provisioned.map((n) => n.metadata.name),
    ['shop'],
  );
  t.is(p.provisioned[0]!.metadata.labels, undefined);
  t.false(p.inventory.includes('Namespace/shop'));
  t.deepEqual(plan([loaded(makePod('web'), 'web.yaml')], []).provisioned, [], 'default is built in');
});

test('a namespace removed from Git turns Terminating instead of being deleted, its objects removed with it are deleted', (t) => {
  const current = [fromGit(namespace('shop')), fromGit(inShop('web'))];
  const p = plan([], current, ['Namespace/shop', 'Pod/shop/web']);
  t.deepEqual(actions(p), ['deleted Namespace/shop', 'deleted Pod/web']);
  const writes = planChanges(p, '2026-01-01T00:00:00Z');
  t.like(writes[0], {
    type: 'put',
    resourceVersion: '5',
    object: { kind: 'Namespace', metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
  });
  t.like(writes[1], { type: 'delete', ref: { kind: 'Pod', namespace: 'shop', name: 'web' } });
});

test('a terminating namespace, and what Git puts in it, wait until it is gone', (t) => {
  const terminating = fromGit(namespace('shop', { deletionTimestamp: '2026-01-01T00:00:00Z' }));
  const back = plan([loaded(namespace('shop'), 'shop/ns.yaml'), loaded(inShop('web'), 'shop/web.yaml')], [terminating], ['Namespace/shop']);
  t.deepEqual(actions(back), ['unchanged Namespace/shop']);
  t.deepEqual(back.provisioned, []);
  t.deepEqual(actions(plan([], [terminating], ['Namespace/shop'])), [], 'not marked again');
});

test('a built-in namespace is never deleted, even when Git declared it', (t) => {
  t.deepEqual(actions(plan([], [fromGit(namespace('default'))], ['Namespace/default'])), []);
});

test('the namespace controller deletes a terminating namespace’s objects, owners first, then the namespace', async (t) => {
  const f = await controllerFixture(t, [
    namespace('shop', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    namespace('other'),
    inShop('web'),
    { ...makePod('stays'), metadata: { name: 'stays', namespace: 'other' } },
  ]);
  const namespaces = await f.informer('Namespace');
  const c = await f.controller(() => new NamespaceController({ store: f.store, namespaces, log: silentLog }));
  t.deepEqual(await c.reconcile('Namespace/shop'), { requeueAfterMs: 1000 }, 'objects were deleted: look again');
  t.is(await f.store.get({ kind: 'Pod', namespace: 'shop', name: 'web' }), undefined);
  t.truthy(await f.store.get({ kind: 'Namespace', name: 'shop' }), 'the namespace stays while it held objects');
  t.deepEqual(await c.reconcile('Namespace/shop'), {});
  t.is(await f.store.get({ kind: 'Namespace', name: 'shop' }), undefined);

  const before = await f.revision();
  await c.reconcile('Namespace/other');
  t.is(await f.revision(), before, 'an active namespace is left alone');
  t.truthy(await f.store.get({ kind: 'Pod', namespace: 'other', name: 'stays' }));
});
