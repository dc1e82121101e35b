import test from 'ava';
import { cloneRepo, commitAndPush, startGitCluster } from '../sync/git-cluster.js';

const flow = (next: string) => `apiVersion: minik8s.io/v1
kind: Workflow
metadata:
  name: flow
spec:
  definition:
    StartAt: A
    States:
      A:
        Type: Pass
        Next: ${next}
      B:
        Type: Succeed
`;

test('a push with a bad workflow definition is refused with file, line and the state’s path; a good one syncs', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const bad = await commitAndPush(dir, { 'flows/flow.yaml': flow('Nowhere') });
  t.false(bad.ok);
  t.regex(bad.output, /remote: flows\/flow\.yaml:11:15: spec\.definition\.States\.A\.Next: names no state "Nowhere"/);
  t.regex(bad.output, /remote: flows\/flow\.yaml:\d+:\d+: spec\.definition\.States\.B: is never reached/);
  t.regex(bad.output, /push rejected: 2 error\(s\)/);
  const good = await commitAndPush(dir, { 'flows/flow.yaml': flow('B') });
  if (!good.ok) return t.fail(good.output);
  t.like(await c.sync.controller.waitForResult(good.revision, 5000), { reason: 'Succeeded' });
  t.is((await c.store.get({ kind: 'Workflow', namespace: 'default', name: 'flow' }))?.spec.definition.StartAt, 'A');
});
