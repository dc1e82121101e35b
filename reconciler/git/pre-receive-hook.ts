/** Where replaced branch tips are kept (see POST_RECEIVE_HOOK). */
export const REPLACED_REFS_PREFIX = 'refs/minik8s/replaced/';

/**
 * The pre-receive hook installed into the hosted repository: plain sh and curl, so a push pays only
 * a few milliseconds for it. It hands the pushed revision and git's quarantine directories (where the
 * new objects wait until the hook accepts them) to the control plane's validate endpoint, which reads
 * the manifests itself; the endpoint's answer is the text the user sees in `git push` output.
 * Non-fast-forward updates of the branch are refused unless the cluster allows them.
 * Settings (URL, token, CA, branch, force pushes) are in `minik8s-hook.env` beside the hook.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
. "$(dirname "$0")/minik8s-hook.env"
status=0
while read -r old new ref; do
  [ "$ref" = "$MINIK8S_BRANCH" ] || continue
  case "$new" in
    *[!0]*) ;;
    *) echo "minik8s: deleting $ref is not allowed" >&2; exit 1 ;;
  esac
  case "$old" in
    *[!0]*)
      if [ "$MINIK8S_ALLOW_FORCE_PUSH" != true ] && ! git merge-base --is-ancestor "$old" "$new"; then
        echo "minik8s: $ref: non-fast-forward update refused: it would rewrite the history the cluster was synced from" \\
          "(fetch, rebase and push again; a cluster may allow it with allowForcePush)" >&2
        exit 1
      fi ;;
  esac
  out=$(curl -s --fail-with-body --cacert "$MINIK8S_CA" -H "Authorization: Bearer $MINIK8S_TOKEN" \\
    --data-urlencode "revision=$new" \\
    --data-urlencode "objectDirectory=$GIT_OBJECT_DIRECTORY" \\
    --data-urlencode "alternates=$GIT_ALTERNATE_OBJECT_DIRECTORIES" \\
    "$MINIK8S_VALIDATE_URL") || { rc=$?; status=1; [ -n "$out" ] || out="minik8s: cannot validate the push (curl exit code $rc)"; }
  [ -z "$out" ] || printf '%s\\n' "$out" >&2
done
exit $status
`;

/**
 * After an allowed force push, the tip it replaced is kept under `refs/minik8s/replaced/`, so its
 * commits stay in the repository and in `mkctl history`.
 */
export const POST_RECEIVE_HOOK = `#!/bin/sh
. "$(dirname "$0")/minik8s-hook.env"
while read -r old new ref; do
  [ "$ref" = "$MINIK8S_BRANCH" ] || continue
  case "$old" in *[!0]*) ;; *) continue ;; esac
  git merge-base --is-ancestor "$old" "$new" || git update-ref "${REPLACED_REFS_PREFIX}$old" "$old"
done
`;

/** The hook's settings as sh assignments, each value single-quoted. */
export function hookEnv(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}
