import test from 'ava';
import type { ApiObject, Pod } from '../../common/schema/index.js';
import { planPod } from '../../node-agent/pods/pod-actions.js';
import { dockerSecurityOptions, runAsNonRootViolation } from '../../node-agent/runtime/security-context.js';
import { checkPodSecurity, hostPathAllowed } from '../../reconciler/admission/pod-security.js';
import { loadManifests, ManifestCache } from '../../reconciler/sync/manifest-loader.js';
import { makePod } from '../helpers/fixtures.js';

function pod(spec: Partial<Pod['spec']> = {}, container: Partial<Pod['spec']['containers'][number]> = {}): Pod {
  const base = makePod('p');
  return { ...base, spec: { ...base.spec, ...spec, containers: [{ ...base.spec.containers[0]!, ...container }] } };
}
const paths = (o: ApiObject, level: 'baseline' | 'restricted' | 'privileged' = 'baseline', allowedHostPaths: string[] = []) =>
  checkPodSecurity(o, { level, allowedHostPaths }).map((e) => e.path);

test('baseline admits an ordinary pod with emptyDir and the capabilities it allows', (t) => {
  t.deepEqual(
    paths(
      pod(
        { volumes: [{ name: 'scratch', emptyDir: {} }] },
        { securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['NET_RAW'] }, runAsUser: 0 } },
      ),
    ),
    [],
  );
});

test('baseline refuses privileged, host namespaces, extra capabilities and hostPath, each at its field path', (t) => {
  t.deepEqual(paths(pod({}, { securityContext: { privileged: true } })), ['spec.containers[0].securityContext.privileged']);
  t.deepEqual(paths(pod({ hostPID: true, hostIPC: true })), ['spec.hostPID', 'spec.hostIPC']);
  t.deepEqual(paths(pod({}, { securityContext: { capabilities: { add: ['CHOWN', 'SYS_ADMIN'] } } })), [
    'spec.containers[0].securityContext.capabilities.add[1]',
  ]);
  t.deepEqual(paths(pod({ volumes: [{ name: 'root', hostPath: { path: '/' } }] })), ['spec.volumes[0].hostPath.path']);
});

test('hostPath is admitted only inside the directories the cluster config allows', (t) => {
  const allowed = ['/var/lib/minik8s/functions'];
  t.deepEqual(paths(pod({ volumes: [{ name: 'code', hostPath: { path: '/var/lib/minik8s/functions/hello' } }] }), 'baseline', allowed), []);
  t.true(hostPathAllowed('/var/lib/minik8s/functions', allowed));
  t.false(hostPathAllowed('/var/lib/minik8s/functions/../cluster.json', allowed));
  t.false(hostPathAllowed('/var/lib/minik8s/functions-other', allowed));
  t.false(hostPathAllowed('/', allowed));
});

test('hostNetwork is refused at every level; privileged admits the rest', (t) => {
  t.deepEqual(paths(pod({ hostNetwork: true }), 'privileged'), ['spec.hostNetwork']);
  t.deepEqual(paths(pod({ hostPID: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] }, { securityContext: { privileged: true } }), 'privileged'), []);
});

test('restricted asks for non-root, no privilege escalation and all capabilities dropped', (t) => {
  t.deepEqual(paths(pod(), 'restricted'), [
    'spec.containers[0].securityContext.allowPrivilegeEscalation',
    'spec.containers[0].securityContext.capabilities.drop',
    'spec.containers[0].securityContext.runAsNonRoot',
  ]);
  const hardened = pod(
    { securityContext: { runAsNonRoot: true, runAsUser: 1000 } },
    { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
  );
  t.deepEqual(paths(hardened, 'restricted'), []);
});

test('pod templates of ReplicaSets and Deployments are checked too, refused with file, line and field path', (t) => {
  const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: main
          image: busybox:latest
          securityContext:
            privileged: true
`;
  const cache = new ManifestCache({ check: (o) => checkPodSecurity(o) });
  const { errors, objects } = loadManifests([{ path: 'apps/web.yaml', content: yaml }], { cache });
  t.deepEqual(objects, []);
  t.like(errors[0], { file: 'apps/web.yaml', line: 17, path: 'spec.template.spec.containers[0].securityContext.privileged' });
  t.regex(errors[0]?.message ?? '', /Pod Security "baseline"/);
});

test('the security context maps onto Docker options: user, read-only root, capabilities, no-new-privileges', (t) => {
  const p = pod(
    { securityContext: { runAsUser: 1000, runAsGroup: 3000 } },
    {
      securityContext: {
        runAsUser: 2000,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      },
    },
  );
  t.deepEqual(dockerSecurityOptions(p, p.spec.containers[0]!), {
    User: '2000:3000',
    HostConfig: { ReadonlyRootfs: true, CapAdd: ['NET_BIND_SERVICE'], CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] },
  });
  t.deepEqual(dockerSecurityOptions(pod(), pod().spec.containers[0]!), { HostConfig: {} });
});

test('runAsNonRoot refuses root images with a CreateContainerConfigError and runs a non-root user', (t) => {
  const p = pod({ securityContext: { runAsNonRoot: true } });
  const c = p.spec.containers[0]!;
  t.regex(runAsNonRootViolation(p, c, '') ?? '', /image will run as root/);
  t.regex(runAsNonRootViolation(p, c, 'nobody') ?? '', /non-numeric user/);
  t.is(runAsNonRootViolation(p, c, '1000'), undefined);
  t.is(runAsNonRootViolation(pod({ securityContext: { runAsNonRoot: true, runAsUser: 65534 } }), c, ''), undefined);
  const plan = planPod({
    pod: { ...p, spec: { ...p.spec, nodeName: 'n1' } },
    observed: {
      uid: 'uid-p',
      namespace: 'default',
      name: 'p',
      containers: [],
      graceSeconds: 30,
      sandbox: { id: 'pause', running: true, createdAt: '2026-01-01T00:00:00Z' },
    },
    imagesPresent: new Set(['busybox:latest']),
    imageUsers: new Map([['busybox:latest', '']]),
    pullFailures: new Map(),
    backOff: { baseMs: 10_000, maxMs: 300_000 },
    nodeIP: '10.0.0.1',
    now: Date.now(),
  });
  t.deepEqual(plan.actions, []);
  t.is(plan.status.phase, 'Pending');
  t.like(plan.status.containerStatuses?.[0]?.state.waiting, { reason: 'CreateContainerConfigError' });
});
