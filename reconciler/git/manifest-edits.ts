import { type Document, parseAllDocuments } from 'yaml';
import { isKind, refKey } from '../../common/schema/index.js';

/** A work tree's manifest files by path; an edit maps a path to its new content, or null to remove it. */
export type ManifestTree = ReadonlyMap<string, string>;
export type TreeEdit = Map<string, string | null>;

/** One YAML document of a manifest, with the object key it names (`Pod/default/web`) when it names one. */
export interface ManifestDoc {
  key: string | undefined;
  text: string;
}

/** Splits a manifest file into its documents; the key comes from kind, namespace and name alone, so broken objects are found too. */
export function splitDocuments(content: string): ManifestDoc[] {
  return parseAllDocuments(content)
    .filter((d) => d.contents !== null && d.toJS() != null)
    .map((d) => ({ key: keyOf(d), text: String(d).replace(/^---\n/, '') }));
}

function keyOf(doc: Document): string | undefined {
  const kind: unknown = doc.get('kind');
  const name: unknown = doc.getIn(['metadata', 'name']);
  if (typeof kind !== 'string' || !isKind(kind) || typeof name !== 'string') return undefined;
  const namespace: unknown = doc.getIn(['metadata', 'namespace']);
  return refKey({ kind, name, namespace: typeof namespace === 'string' ? namespace : 'default' });
}

function join(docs: readonly ManifestDoc[]): string | null {
  return docs.length === 0 ? null : docs.map((d) => (d.text.endsWith('\n') ? d.text : `${d.text}\n`)).join('---\n');
}

function documentsByFile(tree: ManifestTree): Map<string, ManifestDoc[]> {
  return new Map([...tree].map(([path, content]) => [path, splitDocuments(content)]));
}

export interface AppliedObject {
  key: string;
  file: string;
  action: 'created' | 'configured';
}

/** A document to apply, and the file that receives it when its object is not in the tree yet. */
export type DocToApply = ManifestDoc & { newFile: string };

/**
 * Puts the given documents into the tree as `kubectl apply` would: a document replaces the one with the
 * same object key wherever it lives, and a new object is appended to its `newFile`. Other objects stay.
 */
export function applyDocuments(tree: ManifestTree, docs: readonly DocToApply[]): { edit: TreeEdit; applied: AppliedObject[] } {
  const files = documentsByFile(tree);
  const touched = new Set<string>();
  const applied: AppliedObject[] = [];
  for (const doc of docs) {
    const home = doc.key === undefined ? undefined : [...files].find(([, ds]) => ds.some((d) => d.key === doc.key));
    if (home) {
      const [file, ds] = home;
      files.set(
        file,
        ds.map((d) => (d.key === doc.key ? { key: doc.key, text: doc.text } : d)),
      );
      touched.add(file);
      applied.push({ key: doc.key!, file, action: 'configured' });
    } else {
      files.set(doc.newFile, [...(files.get(doc.newFile) ?? []), doc]);
      touched.add(doc.newFile);
      applied.push({ key: doc.key ?? '(unnamed)', file: doc.newFile, action: 'created' });
    }
  }
  return { edit: new Map([...touched].map((f) => [f, join(files.get(f) ?? [])])), applied };
}

/** Removes the documents of the given objects; a file left empty is removed. Keys found in no file are returned as missing. */
export function removeObjects(
  tree: ManifestTree,
  keys: readonly string[],
): { edit: TreeEdit; removed: Array<{ key: string; file: string }>; missing: string[] } {
  const files = documentsByFile(tree);
  const edit: TreeEdit = new Map();
  const removed: Array<{ key: string; file: string }> = [];
  for (const [file, docs] of files) {
    const kept = docs.filter((d) => d.key === undefined || !keys.includes(d.key));
    if (kept.length === docs.length) continue;
    for (const d of docs) if (d.key !== undefined && keys.includes(d.key)) removed.push({ key: d.key, file });
    edit.set(file, join(kept));
  }
  return { edit, removed, missing: keys.filter((k) => !removed.some((r) => r.key === k)) };
}

/** `Pod/default/web` as kubectl prints it: `pod/web`. */
export function displayKey(key: string): string {
  const parts = key.split('/');
  return `${parts[0]}/${parts[parts.length - 1]}`.toLowerCase();
}
