import type { Node, Pod } from '../../common/schema/index.js';

/** Builders for unit-test fixtures: the smallest valid objects, with overrides. */
export function makeNode(
  name: string,
  opts: { cpu?: string; memory?: string; ready?: boolean; labels?: Record<string, string>; unschedulable?: boolean } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: opts.labels ?? {} },
    spec: { unschedulable: opts.unschedulable },
    status: {
      allocatable: { cpu: opts.cpu ?? '2', memory: opts.memory ?? '4Gi' },
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

export function makePod(
  name: string,
  opts: { cpu?: string; memory?: string; nodeName?: string; nodeSelector?: Record<string, string>; owner?: string; phase?: 'Running' | 'Succeeded' } = {},
): Pod {
  const requests = { ...(opts.cpu && { cpu: opts.cpu }), ...(opts.memory && { memory: opts.memory }) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      ...(opts.owner && { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: opts.owner, uid: `uid-${opts.owner}`, controller: true }] }),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox:latest', resources: { requests } }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      ...(opts.nodeName && { nodeName: opts.nodeName }),
      ...(opts.nodeSelector && { nodeSelector: opts.nodeSelector }),
    },
    ...(opts.phase && { status: { phase: opts.phase } }),
  };
}
