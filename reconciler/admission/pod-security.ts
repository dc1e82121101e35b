import { posix } from 'node:path';
import type { PodSecurityConfig } from '../../common/config/cluster-config.js';
import type { ApiObject, Container, FieldError, PodSpec } from '../../common/schema/index.js';

/** What a cluster enforces when its config says nothing: Kubernetes' baseline, and no host directory at all. */
export const DEFAULT_POD_SECURITY: PodSecurityConfig = { level: 'baseline', allowedHostPaths: [] };

/**
 * The policy a control plane enforces: the cluster config's (or the default), with host directories
 * the control plane itself needs pods to mount (a functions code directory, say) added.
 */
export function podSecurityPolicy(config: PodSecurityConfig | undefined, extraAllowedHostPaths: readonly string[] = []): PodSecurityConfig {
  const base = config ?? DEFAULT_POD_SECURITY;
  return { level: base.level, allowedHostPaths: [...base.allowedHostPaths, ...extraAllowedHostPaths] };
}

/** Capabilities baseline lets a container add: Docker's defaults (Kubernetes' list). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const RESTRICTED_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/** The pod specs an object carries, with the field path each sits at: a Pod's own, a workload's template. */
export function podSpecsOf(object: ApiObject): Array<{ spec: PodSpec; path: string }> {
  if (object.kind === 'Pod') return [{ spec: object.spec, path: 'spec' }];
  if (object.kind === 'ReplicaSet' || object.kind === 'Deployment') return [{ spec: object.spec.template.spec, path: 'spec.template.spec' }];
  return [];
}

/** Whether `path` is one of the allowed directories or inside one (after `..` is resolved). */
export function hostPathAllowed(path: string, allowed: readonly string[]): boolean {
  const p = posix.normalize(path).replace(/\/+$/, '') || '/';
  return allowed.some((dir) => {
    const d = posix.normalize(dir).replace(/\/+$/, '') || '/';
    return d === '/' || p === d || p.startsWith(`${d}/`);
  });
}

/**
 * Kubernetes' Pod Security Standards for one object: every violation of the configured level, at
 * its field path. Pure: the pre-receive check, the sync and the API all call it. hostPath volumes
 * are checked against the allowed directories at every level but privileged; hostNetwork is refused
 * at every level since minik8s pods always live in their own network namespace.
 */
export function checkPodSecurity(object: ApiObject, policy: PodSecurityConfig = DEFAULT_POD_SECURITY): FieldError[] {
  return podSpecsOf(object).flatMap(({ spec, path }) => checkPodSpec(spec, path, policy));
}

function checkPodSpec(spec: PodSpec, at: string, policy: PodSecurityConfig): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path: `${at}.${path}`, message });
  if (spec.hostNetwork) fail('hostNetwork', 'is not supported: pods always get their own network namespace');
  if (policy.level === 'privileged') return errors;
  const level = `Pod Security "${policy.level}"`;

  for (const ns of ['hostPID', 'hostIPC'] as const) if (spec[ns]) fail(ns, `must not be true under ${level} (host namespaces)`);
  (spec.volumes ?? []).forEach((v, i) => {
    if (v.hostPath && !hostPathAllowed(v.hostPath.path, policy.allowedHostPaths))
      fail(
        `volumes[${i}].hostPath.path`,
        `${v.hostPath.path} is not an allowed host path under ${level} ` +
          `(${policy.allowedHostPaths.length > 0 ? `allowed: ${policy.allowedHostPaths.join(', ')}` : 'none are allowed; use emptyDir'})`,
      );
  });
  spec.containers.forEach((c, i) => checkContainer(c, spec, `containers[${i}]`, policy, fail));
  if (policy.level === 'restricted') {
    const pod = spec.securityContext;
    if (pod?.runAsUser === 0) fail('securityContext.runAsUser', `must not be 0 under ${level}`);
  }
  return errors;
}

function checkContainer(c: Container, spec: PodSpec, at: string, policy: PodSecurityConfig, fail: (path: string, message: string) => void): void {
  const sc = c.securityContext;
  const level = `Pod Security "${policy.level}"`;
  if (sc?.privileged) fail(`${at}.securityContext.privileged`, `must not be true under ${level}`);
  const allowed = policy.level === 'restricted' ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
  (sc?.capabilities?.add ?? []).forEach((cap, j) => {
    if (!allowed.has(cap)) fail(`${at}.securityContext.capabilities.add[${j}]`, `${cap} may not be added under ${level} (allowed: ${[...allowed].join(', ')})`);
  });
  if (policy.level !== 'restricted') return;
  if (sc?.allowPrivilegeEscalation !== false) fail(`${at}.securityContext.allowPrivilegeEscalation`, `must be false under ${level}`);
  if (!(sc?.capabilities?.drop ?? []).includes('ALL')) fail(`${at}.securityContext.capabilities.drop`, `must include ALL under ${level}`);
  if ((sc?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true)
    fail(`${at}.securityContext.runAsNonRoot`, `must be true (here or in the pod's securityContext) under ${level}`);
  if (sc?.runAsUser === 0) fail(`${at}.securityContext.runAsUser`, `must not be 0 under ${level}`);
}
