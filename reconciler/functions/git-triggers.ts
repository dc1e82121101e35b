import { encodeJsonBody, type InvocationRequestInput } from '../../common/functions/invocation.js';
import type { Logger } from '../../common/log/log.js';
import type { FunctionObject } from '../../common/schema/index.js';
import { runGit } from '../git/run-git.js';

/** A path glob as a regular expression: `**` any depth, `*` within a segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The calls a commit makes: one per function whose git trigger matches a changed file, with those files. */
export function gitTriggerCalls(
  functions: readonly FunctionObject[],
  commit: { revision: string; previous: string; files: readonly string[] },
): InvocationRequestInput[] {
  return functions.flatMap((fn) => {
    const globs = fn.spec.triggers.flatMap((t) => ('git' in t ? [t.git.paths].flat() : []));
    if (globs.length === 0) return [];
    const patterns = globs.map(globToRegExp);
    const files = commit.files.filter((f) => patterns.some((p) => p.test(f)));
    if (files.length === 0) return [];
    const namespace = fn.metadata.namespace ?? 'default';
    return [
      {
        callId: `git-${namespace}-${fn.metadata.name}-${commit.revision}`,
        namespace,
        function: fn.metadata.name,
        source: 'git' as const,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-minik8s-commit': commit.revision },
        body: encodeJsonBody({ commit: commit.revision, previous: commit.previous, files }),
        enqueuedAt: new Date().toISOString(),
      },
    ];
  });
}

/** Files that differ between two commits, with git. */
export async function changedFiles(gitdir: string, previous: string, revision: string): Promise<string[]> {
  const out = await runGit(['diff-tree', '-r', '--name-only', '-z', '--no-commit-id', previous, revision], { env: { GIT_DIR: gitdir } });
  return out.split('\0').filter(Boolean);
}

/** On each applied revision: the git triggers it matches, sent as calls. */
export async function fireGitTriggers(
  deps: { gitdir: string; functions: () => readonly FunctionObject[]; send: (c: InvocationRequestInput) => Promise<void>; log: Logger },
  revision: string,
  previous: string | undefined,
): Promise<void> {
  if (!previous) return;
  try {
    const files = await changedFiles(deps.gitdir, previous, revision);
    for (const call of gitTriggerCalls(deps.functions(), { revision, previous, files })) await deps.send(call);
  } catch (err) {
    deps.log.warn({ revision, err: (err as Error).message }, 'git triggers could not fire');
  }
}
