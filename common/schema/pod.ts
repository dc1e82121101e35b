import { z } from 'zod';
import { conditionSchema, labelsSchema, nameSchema, objectMetaSchema } from './meta.js';
import { parseCpuMillis, parseMemoryBytes } from './quantity.js';

const cpuQuantity = z.union([z.string(), z.number()]).refine((q) => parseCpuMillis(q) !== undefined, 'must be a CPU quantity such as 500m or 1');
const memoryQuantity = z.union([z.string(), z.number()]).refine((q) => parseMemoryBytes(q) !== undefined, 'must be a memory quantity such as 128Mi or 1Gi');

const resourceListSchema = z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional() });

export const resourceRequirementsSchema = z.strictObject({
  requests: resourceListSchema.optional(),
  limits: resourceListSchema.optional(),
});

export const portNumber = z.number().int().min(1).max(65535);

const httpGetAction = z.strictObject({ path: z.string().default('/'), port: z.union([portNumber, z.string()]), host: z.string().optional() });
const tcpSocketAction = z.strictObject({ port: z.union([portNumber, z.string()]), host: z.string().optional() });
const execAction = z.strictObject({ command: z.array(z.string()).min(1) });

export const probeSchema = z
  .strictObject({
    httpGet: httpGetAction.optional(),
    tcpSocket: tcpSocketAction.optional(),
    exec: execAction.optional(),
    initialDelaySeconds: z.number().int().min(0).default(0),
    periodSeconds: z.number().int().min(1).default(10),
    timeoutSeconds: z.number().int().min(1).default(1),
    successThreshold: z.number().int().min(1).default(1),
    failureThreshold: z.number().int().min(1).default(3),
  })
  .refine((p) => [p.httpGet, p.tcpSocket, p.exec].filter(Boolean).length === 1, 'must set exactly one of httpGet, tcpSocket, exec');
export type Probe = z.infer<typeof probeSchema>;

export const containerPortSchema = z.strictObject({
  name: z.string().max(15).optional(),
  containerPort: portNumber,
  protocol: z.enum(['TCP', 'UDP']).default('TCP'),
});

const userId = z.number().int().min(0).max(2_147_483_647);

/** Security settings a container and its pod share; the container's win. */
const sharedSecurityContext = {
  runAsUser: userId.optional(),
  runAsGroup: userId.optional(),
  /** Refuse to start a container whose user (runAsUser, or the image's) is root. */
  runAsNonRoot: z.boolean().optional(),
};

export const capabilitiesSchema = z.strictObject({
  add: z.array(z.string().regex(/^[A-Z_]+$/, 'must be a capability name such as NET_BIND_SERVICE')).optional(),
  drop: z.array(z.string().regex(/^[A-Z_]+$/, 'must be a capability name such as NET_RAW, or ALL')).optional(),
});

export const containerSecurityContextSchema = z.strictObject({
  ...sharedSecurityContext,
  readOnlyRootFilesystem: z.boolean().optional(),
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  capabilities: capabilitiesSchema.optional(),
});
export type ContainerSecurityContext = z.infer<typeof containerSecurityContextSchema>;

export const podSecurityContextSchema = z.strictObject(sharedSecurityContext);
export type PodSecurityContext = z.infer<typeof podSecurityContextSchema>;

export const containerSchema = z.strictObject({
  name: nameSchema,
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(z.strictObject({ name: z.string().min(1), value: z.string().default('') })).optional(),
  ports: z.array(containerPortSchema).optional(),
  resources: resourceRequirementsSchema.optional(),
  volumeMounts: z.array(z.strictObject({ name: nameSchema, mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() })).optional(),
  readinessProbe: probeSchema.optional(),
  livenessProbe: probeSchema.optional(),
  securityContext: containerSecurityContextSchema.optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const volumeSchema = z
  .strictObject({
    name: nameSchema,
    emptyDir: z.strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: memoryQuantity.optional() }).optional(),
    hostPath: z
      .strictObject({ path: z.string().startsWith('/'), type: z.enum(['', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate']).optional() })
      .optional(),
    /**
     * A Function's code at its current revision, kept by the node agent (read-only, swapped in place when the code
     * changes). The function controller writes it into its instances; it reads only code that is in Git.
     */
    functionCode: z.strictObject({ name: nameSchema }).optional(),
  })
  .refine((v) => [v.emptyDir, v.hostPath, v.functionCode].filter(Boolean).length === 1, 'must set exactly one of emptyDir, hostPath, functionCode');
export type Volume = z.infer<typeof volumeSchema>;

export const podSpecSchema = z
  .strictObject({
    containers: z.array(containerSchema).min(1),
    volumes: z.array(volumeSchema).optional(),
    restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).default('Always'),
    nodeSelector: labelsSchema.optional(),
    nodeName: z.string().optional(),
    terminationGracePeriodSeconds: z.number().int().min(0).default(30),
    securityContext: podSecurityContextSchema.optional(),
    /** The node's namespaces: refused by Pod Security baseline and above; hostNetwork is not supported at all. */
    hostPID: z.boolean().optional(),
    hostIPC: z.boolean().optional(),
    hostNetwork: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    spec.containers.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'name'], message: `duplicate container name "${c.name}"` });
      names.add(c.name);
    });
    const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
    spec.containers.forEach((c, i) =>
      (c.volumeMounts ?? []).forEach((m, j) => {
        if (!volumes.has(m.name))
          ctx.addIssue({ code: 'custom', path: ['containers', i, 'volumeMounts', j, 'name'], message: `no volume named "${m.name}" in spec.volumes` });
      }),
    );
  });
export type PodSpec = z.infer<typeof podSpecSchema>;

const containerStateSchema = z.object({
  waiting: z.object({ reason: z.string(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: z.string() }).optional(),
  terminated: z
    .object({
      exitCode: z.number(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof containerStateSchema>;

export const containerStatusSchema = z.object({
  name: z.string(),
  image: z.string(),
  /** The image's ID once pulled; empty before, as in Kubernetes (clients require the field). */
  imageID: z.string().optional(),
  containerID: z.string().optional(),
  ready: z.boolean(),
  started: z.boolean().optional(),
  restartCount: z.number().int(),
  state: containerStateSchema,
  lastState: containerStateSchema.optional(),
});
export type ContainerStatus = z.infer<typeof containerStatusSchema>;

export const podPhaseSchema = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof podPhaseSchema>;

export const podStatusSchema = z.object({
  phase: podPhaseSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  podIP: z.string().optional(),
  podIPs: z.array(z.object({ ip: z.string() })).optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(z.object({ ip: z.string() })).optional(),
  startTime: z.string().optional(),
  conditions: z.array(conditionSchema).optional(),
  containerStatuses: z.array(containerStatusSchema).optional(),
});
export type PodStatus = z.infer<typeof podStatusSchema>;

export const podTemplateSchema = z.strictObject({
  metadata: z.strictObject({ labels: labelsSchema.optional(), annotations: labelsSchema.optional() }).optional(),
  spec: podSpecSchema,
});
export type PodTemplate = z.infer<typeof podTemplateSchema>;

export const podSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMetaSchema,
  spec: podSpecSchema,
  status: podStatusSchema.optional(),
});
export type Pod = z.infer<typeof podSchema>;
