import test from 'ava';
import { runGit } from '../../reconciler/git/run-git.js';
import { startTestApi, TEST_TOKEN } from '../helpers/api-server.js';
import { cloneRepo, commitAndPush, podYaml, startGitCluster } from '../sync/git-cluster.js';

const hostRootPod = `apiVersion: v1
kind: Pod
metadata:
  name: escape
spec:
  containers:
    - name: main
      image: busybox:latest
      volumeMounts:
        - { name: root, mountPath: /host }
  volumes:
    - name: root
      hostPath:
        path: /
`;

const privilegedReplicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: root-rs
spec:
  replicas: 1
  selector:
    matchLabels: { app: root }
  template:
    metadata:
      labels: { app: root }
    spec:
      hostPID: true
      containers:
        - name: main
          image: busybox:latest
          securityContext:
            capabilities: { add: [SYS_ADMIN] }
`;

test('a push of a pod mounting / or a template asking for host namespaces is refused with file, line and field; nothing changes', async (t) => {
  const c = await startGitCluster(t);
  const dir = await cloneRepo(t, c.pushUrl);
  const first = await commitAndPush(dir, { 'apps/web.yaml': podYaml('web') });
  if (!first.ok) return t.fail(first.output);
  await c.sync.controller.waitForResult(first.revision, 5000);
  const web = await c.store.get({ kind: 'Pod', namespace: 'default', name: 'web' });
  const log = await runGit(['--git-dir', c.sync.controller.source.gitdir, 'log', '--format=%H', 'main']);

  const push = await commitAndPush(dir, { 'apps/escape.yaml': hostRootPod, 'apps/root-rs.yaml': privilegedReplicaSet });
  t.false(push.ok);
  t.regex(push.output, /apps\/escape\.yaml:14:\d+: spec\.volumes\[0\]\.hostPath\.path: \/ is not an allowed host path under Pod Security "baseline"/);
  t.regex(push.output, /apps\/root-rs\.yaml:13:\d+: spec\.template\.spec\.hostPID: must not be true/);
  t.regex(
    push.output,
    /apps\/root-rs\.yaml:18:\d+: spec\.template\.spec\.containers\[0\]\.securityContext\.capabilities\.add\[0\]: SYS_ADMIN may not be added/,
  );

  t.is(await runGit(['--git-dir', c.sync.controller.source.gitdir, 'log', '--format=%H', 'main']), log);
  t.deepEqual(
    (await c.store.list('Pod')).items.map((p) => p.metadata.uid),
    [web?.metadata.uid],
  );
  t.is(await c.store.get({ kind: 'ReplicaSet', namespace: 'default', name: 'root-rs' }), undefined);
});

test('the API checks pods too: a server-side dry run of a pod mounting / is 403 Forbidden naming the field', async (t) => {
  const { url, store } = await startTestApi(t);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'escape', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox:latest' }], volumes: [{ name: 'root', hostPath: { path: '/' } }] },
  };
  const post = (body: unknown) =>
    fetch(`${url}/api/v1/namespaces/default/pods?dryRun=All`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const res = await post(pod);
  t.is(res.status, 403);
  const status = (await res.json()) as { reason: string; message: string };
  t.is(status.reason, 'Forbidden');
  t.regex(status.message, /pods "escape" is forbidden: spec\.volumes\[0\]\.hostPath\.path: \/ is not an allowed host path/);
  t.is((await post({ ...pod, spec: { ...pod.spec, volumes: [{ name: 'root', emptyDir: {} }] } })).status, 201);
  t.is(await store.get({ kind: 'Pod', namespace: 'default', name: 'escape' }), undefined);
});
