import { jsonEventBody, type TriggerEvent, type TriggerTarget } from '../../common/functions/trigger-events.js';
import type { Logger } from '../../common/log/log.js';
import type { FireTrigger } from '../../common/workflows/trigger-firing.js';
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

/** The events a commit fires: one per target whose git trigger matches a changed file, with those files. */
export function gitTriggerEvents(
  targets: readonly TriggerTarget[],
  commit: { revision: string; previous: string; files: readonly string[] },
): Array<{ target: TriggerTarget; event: TriggerEvent }> {
  return targets.flatMap((target) => {
    const globs = target.triggers.flatMap((t) => ('git' in t ? [t.git.paths].flat() : []));
    if (globs.length === 0) return [];
    const patterns = globs.map(globToRegExp);
    const files = commit.files.filter((f) => patterns.some((p) => p.test(f)));
    if (files.length === 0) return [];
    const body = jsonEventBody({ commit: commit.revision, previous: commit.previous, files });
    return [{ target, event: { source: 'git' as const, id: commit.revision, headers: { 'x-minik8s-commit': commit.revision }, body } }];
  });
}

/** Files that differ between two commits, with git. */
export async function changedFiles(gitdir: string, previous: string, revision: string): Promise<string[]> {
  const out = await runGit(['diff-tree', '-r', '--name-only', '-z', '--no-commit-id', previous, revision], { env: { GIT_DIR: gitdir } });
  return out.split('\0').filter(Boolean);
}

/** On each applied revision: the git triggers it matches, fired. */
export async function fireGitTriggers(
  deps: { gitdir: string; targets: () => readonly TriggerTarget[]; fire: FireTrigger; log: Logger },
  revision: string,
  previous: string | undefined,
): Promise<void> {
  if (!previous) return;
  try {
    const files = await changedFiles(deps.gitdir, previous, revision);
    for (const { target, event } of gitTriggerEvents(deps.targets(), { revision, previous, files })) await deps.fire(target, event);
  } catch (err) {
    deps.log.warn({ revision, err: (err as Error).message }, 'git triggers could not fire');
  }
}
