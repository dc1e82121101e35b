import { createHash } from 'node:crypto';
import { type Document, isNode, LineCounter, parseAllDocuments } from 'yaml';
import { type ApiObject, type FieldError, isKind, parseManifest, referencesOf, refKey, refOf, warningsOf } from '../../common/schema/index.js';
import type { ManifestFile } from '../git/commit-reader.js';
import { formatBytes, MAX_FILE_BYTES, MAX_OBJECT_BYTES } from '../store/size-limits.js';
import type { ManifestError } from './sync-types.js';

/** An object read from Git, with where it came from. */
export interface LoadedObject {
  object: ApiObject;
  file: string;
  line: number;
  /** Objects it names (a Workflow's Functions), located in its file. */
  references?: LocatedReference[];
}

interface LocatedReference {
  kind: string;
  namespace?: string | undefined;
  name: string;
  error: ManifestError;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: ManifestError[];
  /** Worth telling the user, but no reason to refuse the files. */
  warnings: ManifestError[];
  /** Files with at least one error: their objects keep their last good version. */
  failedFiles: string[];
}

export interface LoadOptions {
  cache?: ManifestCache;
  /**
   * The files are only part of the repository (`mkctl apply` of one file): an object they name that
   * is not among them may be in the rest, so it is a warning instead of an error.
   */
  partial?: boolean;
}

/** One file's objects and errors, before names are checked across files. */
interface FileLoad {
  objects: LoadedObject[];
  errors: ManifestError[];
  warnings: ManifestError[];
}

/** A check beyond the schema (Pod Security admission): the violations of one parsed object, by field path. */
export type ObjectCheck = (object: ApiObject) => FieldError[];

/** YAML aliases one document may expand: far above what manifests use, far below an alias bomb. */
const MAX_ALIASES = 100;

/**
 * Loaded files by path and content: a push is parsed once, when its validation runs, and the sync of
 * it (and of later commits that leave the file alone) reuses that. Entries are never mutated. The
 * cache's `check` runs on every object it loads.
 */
export class ManifestCache {
  readonly #entries = new Map<string, FileLoad>();
  readonly maxEntries: number;
  readonly #check: ObjectCheck | undefined;
  constructor(opts: { maxEntries?: number; check?: ObjectCheck } = {}) {
    this.maxEntries = opts.maxEntries ?? 20_000;
    this.#check = opts.check;
  }

  load(file: ManifestFile): FileLoad {
    const key = createHash('sha1').update(file.path).update('\0').update(file.content).digest('hex');
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const loaded = loadFile(file, this.#check);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, loaded);
    return loaded;
  }
}

/**
 * Turns manifest files into validated objects: every YAML document of every file is parsed and
 * checked against its kind's schema. Errors are located by file, line and column (YAML syntax)
 * or by file, field path and the field's line (schema), names must be unique across the repo, and
 * the objects an object names (a Workflow's Functions) must be among them.
 */
export function loadManifests(files: readonly ManifestFile[], { cache, partial = false }: LoadOptions = {}): LoadResult {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestError[] = [];
  const seen = new Map<string, LoadedObject>();
  for (const file of files) {
    const loaded = cache ? cache.load(file) : loadFile(file);
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    for (const o of loaded.objects) {
      const key = refKey(refOf(o.object));
      const first = seen.get(key);
      if (first) errors.push({ file: o.file, line: o.line, path: 'metadata.name', message: `duplicate ${key}: also defined in ${first.file}:${first.line}` });
      else {
        seen.set(key, o);
        objects.push(o);
      }
    }
  }
  for (const o of objects)
    for (const r of o.references ?? []) {
      // A kind this build does not serve cannot be checked (nor applied): the schema reports it where it is defined.
      if (!isKind(r.kind) || seen.has(refKey({ kind: r.kind, namespace: r.namespace, name: r.name }))) continue;
      if (partial) warnings.push({ ...r.error, message: `${r.error.message}, nor among these files (fine if the cluster repository has it)` });
      else errors.push(r.error);
    }
  const failed = new Set(errors.map((e) => e.file));
  return { objects: objects.filter((o) => !failed.has(o.file)), errors, warnings, failedFiles: [...failed].sort() };
}

function loadFile({ path: file, content }: ManifestFile, check?: ObjectCheck): FileLoad {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestError[] = [];
  const bytes = Buffer.byteLength(content);
  if (bytes > MAX_FILE_BYTES)
    return {
      objects,
      warnings,
      errors: [{ file, line: 1, message: `file is ${formatBytes(bytes)}, over the limit of ${formatBytes(MAX_FILE_BYTES)} per manifest file` }],
    };
  const lines = new LineCounter();
  for (const doc of parseAllDocuments(content, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })) {
    const syntax = doc.errors[0];
    if (syntax) {
      const pos = lines.linePos(syntax.pos[0]);
      errors.push({ file, line: pos.line, column: pos.col, message: (syntax.message.split('\n')[0] ?? '').trim() });
      continue;
    }
    const docLine = lines.linePos(doc.contents?.range?.[0] ?? 0).line;
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      // yaml refuses a document whose aliases would expand past the count (an alias bomb).
      errors.push({ file, line: docLine, message: `cannot expand the document: ${(err as Error).message}` });
      continue;
    }
    if (raw === null || raw === undefined) continue; // `---` with nothing after it
    const parsed = parseManifest(raw);
    const located = (e: { path: string; message: string }): ManifestError => {
      const at = locate(doc, e.path, lines);
      return { file, line: at?.line ?? docLine, ...(at && { column: at.col }), path: e.path, message: e.message };
    };
    if (!parsed.ok) {
      errors.push(...parsed.errors.map(located));
      continue;
    }
    const size = Buffer.byteLength(JSON.stringify(parsed.object));
    if (size > MAX_OBJECT_BYTES) {
      errors.push({
        file,
        line: docLine,
        message: `${refKey(refOf(parsed.object))} is ${formatBytes(size)}, over the limit of ${formatBytes(MAX_OBJECT_BYTES)} per object`,
      });
      continue;
    }
    const violations = check?.(parsed.object) ?? [];
    if (violations.length > 0) {
      errors.push(...violations.map(located));
      continue;
    }
    const references = referencesOf(parsed.object).map((r) => ({
      ...r,
      error: located({ path: r.path, message: `names ${r.kind} "${r.name}", which is not in the repository` }),
    }));
    warnings.push(...warningsOf(parsed.object).map(located));
    objects.push({ object: parsed.object, file, line: docLine, ...(references.length > 0 && { references }) });
  }
  return { objects, errors, warnings };
}

/** The position of the deepest node on a field path (`spec.containers[0].image`) that exists in the document. */
function locate(doc: Document, path: string, lines: LineCounter): { line: number; col: number } | undefined {
  const segments =
    path === '(root)'
      ? []
      : path
          .split(/\.|\[(\d+)\]/)
          .filter((s) => s !== undefined && s !== '')
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return undefined;
}
