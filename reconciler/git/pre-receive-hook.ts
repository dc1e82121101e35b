/**
 * The pre-receive hook installed into the hosted repository: plain sh and curl, so a push pays only
 * a few milliseconds for it. It hands the pushed revision and git's quarantine directories (where the
 * new objects wait until the hook accepts them) to the control plane's validate endpoint, which reads
 * the manifests itself; the endpoint's answer is the text the user sees in `git push` output.
 * Settings (URL, token, branch) are in `minik8s-hook.env` beside the hook.
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
  out=$(curl -s --fail-with-body -H "Authorization: Bearer $MINIK8S_TOKEN" \\
    --data-urlencode "revision=$new" \\
    --data-urlencode "objectDirectory=$GIT_OBJECT_DIRECTORY" \\
    --data-urlencode "alternates=$GIT_ALTERNATE_OBJECT_DIRECTORIES" \\
    "$MINIK8S_VALIDATE_URL") || { rc=$?; status=1; [ -n "$out" ] || out="minik8s: cannot validate the push (curl exit code $rc)"; }
  [ -z "$out" ] || printf '%s\\n' "$out" >&2
done
exit $status
`;

/** The hook's settings as sh assignments, each value single-quoted. */
export function hookEnv(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}
