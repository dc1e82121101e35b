import test from 'ava';
import { applyDocuments, displayKey, removeObjects, splitDocuments } from '../../reconciler/git/manifest-edits.js';

const pod = (name: string, image = 'busybox') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
const svc = (name: string) => `# the ${name} service\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`;

test('splits documents and keys them by kind, namespace and name', (t) => {
  const docs = splitDocuments(`${pod('a')}---\n${svc('a')}---\n`);
  t.deepEqual(
    docs.map((d) => d.key),
    ['Pod/default/a', 'Service/default/a'],
  );
  t.true(docs[1]!.text.startsWith('# the a service'));
});

test('apply replaces an object where it lives and keeps its neighbours', (t) => {
  const tree = new Map([['apps/web.yaml', `${pod('web')}---\n${svc('web')}`]]);
  const { edit, applied } = applyDocuments(tree, [{ ...splitDocuments(pod('web', 'nginx'))[0]!, newFile: 'apps/other.yaml' }]);
  t.deepEqual(applied, [{ key: 'Pod/default/web', file: 'apps/web.yaml', action: 'configured' }]);
  t.is(edit.get('apps/web.yaml'), `${pod('web', 'nginx')}---\n${svc('web')}`);
  t.false(edit.has('apps/other.yaml'));
});

test('apply appends new objects to their file', (t) => {
  const tree = new Map([['apps/db.yaml', pod('db')]]);
  const { edit, applied } = applyDocuments(tree, [{ ...splitDocuments(pod('web'))[0]!, newFile: 'apps/db.yaml' }]);
  t.deepEqual(
    applied.map((a) => a.action),
    ['created'],
  );
  t.is(edit.get('apps/db.yaml'), `${pod('db')}---\n${pod('web')}`);
});

test('remove drops the object, removes a file left empty and reports what is missing', (t) => {
  const tree = new Map([
    ['apps/web.yaml', `${pod('web')}---\n${svc('web')}`],
    ['apps/db.yaml', pod('db')],
  ]);
  const r = removeObjects(tree, ['Pod/default/web', 'Pod/default/db', 'Pod/default/nope']);
  t.is(r.edit.get('apps/web.yaml'), svc('web'));
  t.is(r.edit.get('apps/db.yaml'), null);
  t.deepEqual(r.missing, ['Pod/default/nope']);
  t.is(displayKey('Pod/default/web'), 'pod/web');
});
