import type Dockerode from 'dockerode';
import { type Container, type Pod, parseCpuMillis, parseMemoryBytes } from '../../common/schema/index.js';
import { podContainerLabels, podContainerName, SANDBOX } from './docker-labels.js';
import { dockerSecurityOptions } from './security-context.js';

/** Where the runtime puts pods on Docker: the node, and the network its pods join. */
export interface DockerPlacement {
  nodeName: string;
  networkName: string;
}

/** The pod network: a bridge on the node's pod CIDR, the node's address on it as gateway. */
export function podNetworkOptions(networkName: string, bridgeName: string, cidr: string, gateway: string): Dockerode.NetworkCreateOptions {
  return {
    Name: networkName,
    Driver: 'bridge',
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: cidr, Gateway: gateway }] },
    // Pod traffic is routed between nodes, not NATed: pods see each other's real addresses.
    Options: { 'com.docker.network.bridge.name': bridgeName, 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
  };
}

/** The pod's pause container, which holds the network namespace its app containers join. */
export function sandboxOptions(placement: DockerPlacement, pod: Pod, image: string): Dockerode.ContainerCreateOptions {
  return {
    name: podContainerName(pod, SANDBOX, 0),
    Image: image,
    Hostname: pod.metadata.name.slice(0, 63),
    Labels: podContainerLabels(placement.nodeName, pod, SANDBOX, 0),
    // App containers join its IPC namespace too, which Docker allows only from a shareable one.
    HostConfig: { NetworkMode: placement.networkName, IpcMode: 'shareable' },
  };
}

/** One attempt of an app container in the sandbox's namespaces, with its mounts (`binds`) and resource limits. */
export function appContainerOptions(
  placement: DockerPlacement,
  pod: Pod,
  container: Container,
  restartCount: number,
  sandboxId: string,
  binds: string[],
  /** The image's user, for a runAsGroup without runAsUser. */
  imageUser?: string,
): Dockerode.ContainerCreateOptions {
  const limits = container.resources?.limits;
  const cpuLimit = limits?.cpu !== undefined ? parseCpuMillis(limits.cpu) : undefined;
  const memoryLimit = limits?.memory !== undefined ? parseMemoryBytes(limits.memory) : undefined;
  const cpuRequest = container.resources?.requests?.cpu;
  const requestMillis = cpuRequest !== undefined ? parseCpuMillis(cpuRequest) : undefined;
  const security = dockerSecurityOptions(pod, container, imageUser);
  return {
    name: podContainerName(pod, container.name, restartCount),
    ...(security.User !== undefined && { User: security.User }),
    Image: container.image,
    ...(container.command && { Entrypoint: container.command }),
    ...(container.args && { Cmd: container.args }),
    ...(container.workingDir && { WorkingDir: container.workingDir }),
    Env: (container.env ?? []).map((e) => `${e.name}=${e.value}`),
    Labels: podContainerLabels(placement.nodeName, pod, container.name, restartCount),
    HostConfig: {
      NetworkMode: `container:${sandboxId}`,
      IpcMode: `container:${sandboxId}`,
      Binds: binds,
      ...(cpuLimit !== undefined && { NanoCpus: cpuLimit * 1_000_000 }),
      ...(memoryLimit !== undefined && { Memory: memoryLimit }),
      // Requests weigh containers against each other under contention, as kubelet's cpu shares do.
      ...(requestMillis !== undefined && { CpuShares: Math.max(2, Math.round((requestMillis * 1024) / 1000)) }),
      ...security.HostConfig,
    },
  };
}

/** `busybox` means `busybox:latest`; without a tag Docker would pull every tag. */
export function withTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return image.includes('@') || lastPart.includes(':') ? image : `${image}:latest`;
}
