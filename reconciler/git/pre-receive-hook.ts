/**
 * The pre-receive hook installed into the hosted repository, as plain CommonJS so that a push pays
 * only for a bare `node` start. It sends the pushed commit's manifests (read with git itself: the
 * quarantine environment lets it see the new objects) to the control plane's validate endpoint and
 * rejects the push with the errors, which the user sees in `git push` output.
 */
export function preReceiveHookScript(nodePath: string): string {
  return `#!${nodePath}
'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const config = JSON.parse(readFileSync(join(__dirname, 'minik8s-hook.json'), 'utf8'));

function manifests(revision) {
  const listing = execFileSync('git', ['ls-tree', '-r', '-z', revision], { maxBuffer: 1 << 30 }).toString('utf8');
  const entries = listing.split('\\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\\t');
    const [, type, oid] = line.slice(0, tab).split(' ');
    return { type, oid, path: line.slice(tab + 1) };
  }).filter((e) => e.type === 'blob' && /\\.ya?ml$/i.test(e.path));
  if (entries.length === 0) return [];
  const out = execFileSync('git', ['cat-file', '--batch'], { input: entries.map((e) => e.oid).join('\\n') + '\\n', maxBuffer: 1 << 30 });
  let at = 0;
  return entries.map((e) => {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString().split(' ')[2]);
    const content = out.subarray(eol + 1, eol + 1 + size).toString('utf8');
    at = eol + 1 + size + 1;
    return { path: e.path, content };
  });
}

async function main() {
  const updates = readFileSync(0, 'utf8').split('\\n').filter(Boolean).map((l) => l.split(' '));
  for (const [, next, ref] of updates) {
    if (ref !== config.branch) continue;
    if (/^0+$/.test(next)) {
      console.error('minik8s: deleting ' + ref + ' is not allowed');
      return 1;
    }
    const res = await fetch(config.validateUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + config.token },
      body: JSON.stringify({ revision: next, files: manifests(next) }),
    });
    if (!res.ok) {
      console.error('minik8s: cannot validate the push: HTTP ' + res.status + ' ' + (await res.text()));
      return 1;
    }
    const { messages } = await res.json();
    if (messages.length > 0) {
      for (const m of messages) console.error(m);
      console.error('minik8s: push rejected: ' + messages.length + ' error(s) in the manifests');
      return 1;
    }
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error('minik8s: cannot validate the push: ' + err.message);
  process.exit(1);
});
`;
}
