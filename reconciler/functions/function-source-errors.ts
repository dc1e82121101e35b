import { posix } from 'node:path';
import { handlerOf } from '../../common/schema/index.js';
import type { LoadedObject } from '../sync/manifest-loader.js';
import type { ManifestError } from '../sync/sync-types.js';
import type { FunctionSource } from './function-source.js';
import { checkPythonSyntax } from './python-syntax.js';

/**
 * What the pre-receive check says about the Functions of a push: a source that is not in the commit, a folder
 * without its handler file, and every `.py` file of a source that does not compile (named by file and line).
 */
export async function functionSourceErrors(
  objects: readonly LoadedObject[],
  read: (source: string) => Promise<FunctionSource | undefined>,
): Promise<ManifestError[]> {
  const errors: ManifestError[] = [];
  const toCompile = new Map<string, Buffer>();
  for (const { object, file, line } of objects) {
    const volumes =
      object.kind === 'Pod'
        ? object.spec.volumes
        : object.kind === 'ReplicaSet' || object.kind === 'Deployment'
          ? object.spec.template.spec.volumes
          : undefined;
    // Only the function controller gives pods a function's code; Git manifests may not ask for it.
    if (volumes?.some((v) => v.functionCode))
      errors.push({ file, line, path: 'volumes', message: 'functionCode volumes are for function instances only (the function controller writes them)' });
    if (object.kind !== 'Function') continue;
    const { source } = object.spec;
    const code = await read(source);
    if (!code || code.files.length === 0) {
      errors.push({ file, line, path: 'spec.source', message: `Function ${object.metadata.name}: no file or folder "${source}" in this commit` });
      continue;
    }
    const handler = handlerOf(object.spec).file;
    if (!code.files.some((f) => f.path === handler))
      errors.push({ file, line, path: 'spec.handler', message: `Function ${object.metadata.name}: "${source}" has no ${handler}` });
    const dir = source.endsWith('.py') ? posix.dirname(source) : source.replace(/\/+$/, '');
    for (const f of code.files) if (f.path.endsWith('.py')) toCompile.set(posix.join(dir, f.path), f.content);
  }
  const syntax = await checkPythonSyntax([...toCompile].map(([path, content]) => ({ path, content })));
  return [...errors, ...syntax.map((e) => ({ file: e.path, line: e.line, ...(e.column !== undefined && { column: e.column }), message: e.message }))];
}
