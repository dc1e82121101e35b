import { type Document, isNode, LineCounter, parseAllDocuments } from 'yaml';
import { type ApiObject, parseManifest, refKey, refOf } from '../schema/index.js';
import type { ManifestFile } from '../git/commit-reader.js';
import type { ManifestError } from './sync-types.js';

/** An object read from Git, with where it came from. */
export interface LoadedObject {
  object: ApiObject;
  file: string;
  line: number;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: ManifestError[];
  /** Files with at least one error: their objects keep their last good version. */
  failedFiles: string[];
}

/**
 * Turns manifest files into validated objects: every YAML document of every file is parsed and
 * checked against its kind's schema. Errors are located by file, line and column (YAML syntax)
 * or by file, field path and the field's line (schema), and names must be unique across the repo.
 */
export function loadManifests(files: readonly ManifestFile[]): LoadResult {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  const failed = new Set<string>();
  const seen = new Map<string, LoadedObject>();
  const fail = (e: ManifestError) => {
    errors.push(e);
    failed.add(e.file);
  };

  for (const { path: file, content } of files) {
    const lines = new LineCounter();
    const docs = parseAllDocuments(content, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (!Array.isArray(docs)) continue; // an empty stream: no documents, nothing to load
    for (const doc of docs) {
      const syntax = doc.errors[0];
      if (syntax) {
        const pos = lines.linePos(syntax.pos[0]);
        fail({ file, line: pos.line, column: pos.col, message: (syntax.message.split('\n')[0] ?? '').trim() });
        continue;
      }
      const raw: unknown = doc.toJS();
      if (raw === null || raw === undefined) continue; // `---` with nothing after it
      const docLine = lines.linePos(doc.contents?.range?.[0] ?? 0).line;
      const parsed = parseManifest(raw);
      if (!parsed.ok) {
        for (const e of parsed.errors) {
          const at = locate(doc, e.path, lines);
          fail({ file, line: at?.line ?? docLine, ...(at && { column: at.col }), path: e.path, message: e.message });
        }
        continue;
      }
      const loaded: LoadedObject = { object: parsed.object, file, line: docLine };
      const key = refKey(refOf(parsed.object));
      const first = seen.get(key);
      if (first) {
        fail({ file, line: docLine, path: 'metadata.name', message: `duplicate ${key}: also defined in ${first.file}:${first.line}` });
        continue;
      }
      seen.set(key, loaded);
      objects.push(loaded);
    }
  }
  return { objects: objects.filter((o) => !failed.has(o.file)), errors, failedFiles: [...failed].sort() };
}

/** The position of the deepest node on a field path (`spec.containers[0].image`) that exists in the document. */
function locate(doc: Document, path: string, lines: LineCounter): { line: number; col: number } | undefined {
  const segments = path === '(root)' ? [] : path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return undefined;
}
