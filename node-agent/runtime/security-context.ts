import type { Container, Pod } from '../../common/schema/index.js';

/** The container's security settings with the pod's filled in where the container says nothing. */
export function effectiveSecurityContext(pod: Pod, container: Container) {
  const podSc = pod.spec.securityContext;
  const sc = container.securityContext;
  return {
    runAsUser: sc?.runAsUser ?? podSc?.runAsUser,
    runAsGroup: sc?.runAsGroup ?? podSc?.runAsGroup,
    runAsNonRoot: sc?.runAsNonRoot ?? podSc?.runAsNonRoot,
    readOnlyRootFilesystem: sc?.readOnlyRootFilesystem,
    privileged: sc?.privileged,
    allowPrivilegeEscalation: sc?.allowPrivilegeEscalation,
    capabilities: sc?.capabilities,
  };
}

/** Docker's create options for a container's security context (the `Config` and `HostConfig` parts). */
export interface DockerSecurityOptions {
  User?: string;
  HostConfig: {
    ReadonlyRootfs?: boolean;
    Privileged?: boolean;
    CapAdd?: string[];
    CapDrop?: string[];
    SecurityOpt?: string[];
    PidMode?: string;
    IpcMode?: string;
  };
}

/**
 * Maps a container's securityContext (and the pod's host namespaces) onto Docker's options, which
 * enforce it: the user, a read-only root filesystem, capabilities, no-new-privileges. `imageUser` is
 * the image's configured user, needed only when a group is set without a user.
 */
export function dockerSecurityOptions(pod: Pod, container: Container, imageUser = ''): DockerSecurityOptions {
  const sc = effectiveSecurityContext(pod, container);
  const user = sc.runAsUser !== undefined ? String(sc.runAsUser) : sc.runAsGroup !== undefined ? imageUser.split(':')[0] || '0' : undefined;
  const host: DockerSecurityOptions['HostConfig'] = {
    ...(sc.readOnlyRootFilesystem && { ReadonlyRootfs: true }),
    ...(sc.privileged && { Privileged: true }),
    ...(sc.capabilities?.add?.length && { CapAdd: sc.capabilities.add }),
    ...(sc.capabilities?.drop?.length && { CapDrop: sc.capabilities.drop }),
    ...(sc.allowPrivilegeEscalation === false && { SecurityOpt: ['no-new-privileges'] }),
    ...(pod.spec.hostPID && { PidMode: 'host' }),
    ...(pod.spec.hostIPC && { IpcMode: 'host' }),
  };
  return { ...(user !== undefined && { User: sc.runAsGroup !== undefined ? `${user}:${sc.runAsGroup}` : user }), HostConfig: host };
}

/**
 * Why a container with runAsNonRoot must not start, as kubelet words it, or undefined when it may:
 * the user it would run as (runAsUser, else the image's) must be a non-zero uid.
 */
export function runAsNonRootViolation(pod: Pod, container: Container, imageUser: string): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return undefined;
  if (sc.runAsUser !== undefined) return sc.runAsUser === 0 ? "container's runAsUser breaks non-root policy (runAsUser 0)" : undefined;
  const user = imageUser.split(':')[0] ?? '';
  if (user === '' || user === '0' || user === 'root') return `container has runAsNonRoot and image will run as root (image "${container.image}")`;
  if (!/^\d+$/.test(user)) return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root`;
  return undefined;
}
