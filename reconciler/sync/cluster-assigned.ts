import { ANNOTATION_REPLICAS_MANAGED_BY, type ApiObject } from '../../common/schema/index.js';

/**
 * Spec fields the cluster fills in when a manifest leaves them out: the scheduler's binding
 * (`Pod.spec.nodeName`), allocated addresses (`Service.spec.clusterIP`, node ports), and the replica count
 * of a Deployment or ReplicaSet the HPA controller marked `minik8s.io/replicas-managed-by: hpa` (with the
 * mark itself). Git's version of an object inherits them from the stored one, so a sync neither reports
 * drift nor undoes them.
 */
export function withClusterAssigned(desired: ApiObject, current: ApiObject): ApiObject {
  if (desired.kind === 'Pod' && current.kind === 'Pod' && desired.spec.nodeName === undefined && current.spec.nodeName !== undefined)
    return { ...desired, spec: { ...desired.spec, nodeName: current.spec.nodeName } };
  if (desired.kind === 'Service' && current.kind === 'Service') {
    const ports = desired.spec.ports.map((p) => {
      const was = current.spec.ports.find((c) => c.port === p.port && c.protocol === p.protocol);
      return p.nodePort === undefined && was?.nodePort !== undefined && desired.spec.type === 'NodePort' ? { ...p, nodePort: was.nodePort } : p;
    });
    return { ...desired, spec: { ...desired.spec, clusterIP: desired.spec.clusterIP ?? current.spec.clusterIP, ports } };
  }
  // An autoscaler owns the replica count of a workload it marked as its own, until it lets go.
  if (
    (desired.kind === 'Deployment' || desired.kind === 'ReplicaSet') &&
    current.kind === desired.kind &&
    current.metadata.annotations?.[ANNOTATION_REPLICAS_MANAGED_BY] === 'hpa'
  ) {
    const annotations = { ...desired.metadata.annotations, [ANNOTATION_REPLICAS_MANAGED_BY]: 'hpa' };
    return { ...desired, metadata: { ...desired.metadata, annotations }, spec: { ...desired.spec, replicas: current.spec.replicas } } as ApiObject;
  }
  return desired;
}
