import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { isManifestPath } from '../../reconciler/git/commit-reader.js';
import { loadManifests } from '../../reconciler/sync/manifest-loader.js';

const pod = (name: string, image = 'busybox:latest') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: c
      image: ${image}
`;

test('loads every document of a multi-document file with defaults applied', (t) => {
  const r = loadManifests([{ path: 'apps/two.yaml', content: `${pod('a')}---\n${pod('b')}---\n` }]);
  t.deepEqual(r.errors, []);
  t.deepEqual(
    r.objects.map((o) => [o.object.metadata.name, o.object.metadata.namespace, o.line]),
    [
      ['a', 'default', 1],
      ['b', 'default', 10],
    ],
  );
});

test('reports a YAML syntax error with file, line and column', (t) => {
  const r = loadManifests([{ path: 'apps/bad.yaml', content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web: x\n' }]);
  t.is(r.errors.length, 1);
  t.like(r.errors[0], { file: 'apps/bad.yaml', line: 4 });
  t.like(r.errors[0], { column: 9 });
  t.deepEqual(r.failedFiles, ['apps/bad.yaml']);
});

test('reports a schema violation with the field path and the line of the field', (t) => {
  const r = loadManifests([{ path: 'apps/p.yaml', content: pod('p').replace('image: busybox:latest', 'image: 42') }]);
  t.is(r.errors.length, 1);
  t.like(r.errors[0], { file: 'apps/p.yaml', path: 'spec.containers[0].image', line: 8, column: 14 });
  t.deepEqual(r.objects, []);
});

test('reports an unknown kind', (t) => {
  const r = loadManifests([{ path: 'x.yml', content: 'apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n' }]);
  t.like(r.errors[0], { file: 'x.yml', path: 'kind', line: 2 });
  t.regex(r.errors[0]?.message ?? '', /unknown kind "Gizmo"/);
});

test('refuses kinds that Git does not own', (t) => {
  const r = loadManifests([{ path: 'n.yaml', content: 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nspec: {}\n' }]);
  t.regex(r.errors[0]?.message ?? '', /unknown kind "Node"/);
});

test('reports a duplicate name with the first definition', (t) => {
  const r = loadManifests([
    { path: 'a.yaml', content: pod('web') },
    { path: 'b.yaml', content: pod('web') },
  ]);
  t.is(r.errors.length, 1);
  t.like(r.errors[0], { file: 'b.yaml', line: 1 });
  t.regex(r.errors[0]?.message ?? '', /duplicate Pod\/default\/web: also defined in a.yaml:1/);
  t.deepEqual(
    r.objects.map((o) => o.file),
    ['a.yaml'],
  );
});

test('drops every object of a file that has an error, and keeps other files', (t) => {
  const r = loadManifests([
    { path: 'a.yaml', content: `${pod('ok')}---\n${pod('bad', '""')}` },
    { path: 'b.yaml', content: pod('fine') },
  ]);
  t.deepEqual(r.failedFiles, ['a.yaml']);
  t.deepEqual(
    r.objects.map((o) => o.object.metadata.name),
    ['fine'],
  );
});

test('skips empty files and empty documents', (t) => {
  const r = loadManifests([
    { path: 'empty.yaml', content: '' },
    { path: 'comments.yaml', content: '# nothing here\n---\n' },
  ]);
  t.deepEqual(r, { objects: [], errors: [], warnings: [], failedFiles: [] });
});

test('the example cluster repository is valid', (t) => {
  const dir = 'cluster-repo';
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(isManifestPath)
    .map((f) => ({ path: f, content: readFileSync(join(dir, f), 'utf8') }));
  const r = loadManifests(files);
  t.deepEqual(r.errors, []);
  t.true(r.objects.length >= 3);
});
