import { LABEL_FUNCTION, RUNTIME_IMAGE, RUNTIME_PORT } from '../../common/functions/function-labels.js';
import { type FunctionObject, handlerOf, type PodTemplate, type ReplicaSet } from '../../common/schema/index.js';
import { ownerReferenceTo } from '../workloads/owner-references.js';
import { LABEL_POD_TEMPLATE_HASH, podTemplateHash } from '../workloads/pod-template-hash.js';

/** An instance's pod template: the runtime, the function's code mounted read-only, its settings as environment. */
export function functionPodTemplate(fn: FunctionObject): PodTemplate {
  const { spec } = fn;
  const handler = handlerOf(spec);
  const settings: Record<string, string> = {
    MINIK8S_FUNCTION_NAME: fn.metadata.name,
    MINIK8S_FUNCTION_NAMESPACE: fn.metadata.namespace ?? 'default',
    MINIK8S_CODE_DIR: '/code',
    MINIK8S_HANDLER_FILE: handler.file,
    MINIK8S_HANDLER_NAME: handler.name,
    MINIK8S_TIMEOUT_SECONDS: String(spec.timeoutSeconds),
    MINIK8S_CONCURRENCY: String(spec.concurrency),
    PORT: String(RUNTIME_PORT),
  };
  return {
    metadata: { labels: { [LABEL_FUNCTION]: fn.metadata.name } },
    spec: {
      containers: [
        {
          name: 'function',
          image: RUNTIME_IMAGE,
          command: ['python3', '/opt/minik8s/runtime.py'],
          env: [...(spec.env ?? []), ...Object.entries(settings).map(([name, value]) => ({ name, value }))],
          ports: [{ name: 'http', containerPort: RUNTIME_PORT, protocol: 'TCP' }],
          ...(spec.resources && { resources: spec.resources }),
          volumeMounts: [{ name: 'code', mountPath: '/code', readOnly: true }],
        },
      ],
      volumes: [{ name: 'code', functionCode: { name: fn.metadata.name } }],
      restartPolicy: 'Always',
      // Instances hold no state: a call in flight is answered or failed within a couple of seconds.
      terminationGracePeriodSeconds: 2,
    },
  };
}

/** The ReplicaSet that runs `replicas` instances of this version of the function's template. */
export function functionReplicaSet(fn: FunctionObject, replicas: number): ReplicaSet {
  const template = functionPodTemplate(fn);
  const hash = podTemplateHash(template);
  const labels = { [LABEL_FUNCTION]: fn.metadata.name, [LABEL_POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${fn.metadata.name}-fn-${hash}`, namespace: fn.metadata.namespace ?? 'default', labels, ownerReferences: [ownerReferenceTo(fn)] },
    spec: { replicas, selector: { matchLabels: labels }, template: { ...template, metadata: { labels } } },
  };
}
