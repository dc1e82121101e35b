import type { z } from 'zod';
import { dnsSchema } from './dns.js';
import { functionSchema } from './function.js';
import { nodeMetricsSchema } from './metrics.js';
import { namespaceSchema } from './namespace.js';
import { eventSchema, nodeSchema } from './node.js';
import { podSchema } from './pod.js';
import { endpointsSchema, serviceSchema } from './service.js';
import { executionSchema, workflowSchema } from './workflow.js';
import { deploymentSchema, horizontalPodAutoscalerSchema, replicaSetSchema } from './workloads.js';

/**
 * Every kind the API serves. `fromGit` kinds take their spec only from the cluster repository;
 * the others are written by the control plane or the node agents.
 */
export const resourceTypes = {
  Pod: { group: '', version: 'v1', plural: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, fromGit: true, schema: podSchema },
  Service: { group: '', version: 'v1', plural: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, fromGit: true, schema: serviceSchema },
  ReplicaSet: {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    namespaced: true,
    fromGit: true,
    schema: replicaSetSchema,
  },
  Deployment: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    namespaced: true,
    fromGit: true,
    schema: deploymentSchema,
  },
  HorizontalPodAutoscaler: {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    shortNames: ['hpa'],
    namespaced: true,
    fromGit: true,
    schema: horizontalPodAutoscalerSchema,
  },
  DNS: { group: 'minik8s.io', version: 'v1', plural: 'dns', singular: 'dns', shortNames: [], namespaced: true, fromGit: true, schema: dnsSchema },
  Workflow: {
    group: 'minik8s.io',
    version: 'v1',
    plural: 'workflows',
    singular: 'workflow',
    shortNames: ['wf'],
    namespaced: true,
    fromGit: true,
    schema: workflowSchema,
  },
  Execution: {
    group: 'minik8s.io',
    version: 'v1',
    plural: 'executions',
    singular: 'execution',
    shortNames: [],
    namespaced: true,
    fromGit: false,
    schema: executionSchema,
  },
  Function: {
    group: 'minik8s.io',
    version: 'v1',
    plural: 'functions',
    singular: 'function',
    shortNames: ['fn'],
    namespaced: true,
    fromGit: true,
    schema: functionSchema,
  },
  Endpoints: {
    group: '',
    version: 'v1',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
    fromGit: false,
    schema: endpointsSchema,
  },
  Namespace: {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
    fromGit: true,
    schema: namespaceSchema,
  },
  Node: { group: '', version: 'v1', plural: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false, fromGit: false, schema: nodeSchema },
  Event: { group: '', version: 'v1', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true, fromGit: false, schema: eventSchema },
  NodeMetrics: {
    group: 'metrics.minik8s.io',
    version: 'v1',
    plural: 'nodemetrics',
    singular: 'nodemetrics',
    shortNames: [],
    namespaced: false,
    fromGit: false,
    schema: nodeMetricsSchema,
  },
} as const;

export type Kind = keyof typeof resourceTypes;
export type ResourceType = (typeof resourceTypes)[Kind] & { kind: Kind; apiVersion: string };
export type ObjectOf<K extends Kind> = z.infer<(typeof resourceTypes)[K]['schema']>;
/** Any object the API serves, discriminated on `kind`. */
export type ApiObject = { [K in Kind]: ObjectOf<K> }[Kind];

export const kinds = Object.keys(resourceTypes) as Kind[];

export function resourceType(kind: Kind): ResourceType {
  const t = resourceTypes[kind];
  return { ...t, kind, apiVersion: t.group ? `${t.group}/${t.version}` : t.version };
}

export function isKind(kind: string): kind is Kind {
  return Object.hasOwn(resourceTypes, kind);
}

/** Resolves what a user types (`po`, `pods`, `Pod`, `deploy`) to a kind, as kubectl does. */
export function lookupResourceType(alias: string): ResourceType | undefined {
  const a = alias.toLowerCase();
  const kind = kinds.find((k) => {
    const t = resourceTypes[k];
    return k.toLowerCase() === a || t.plural === a || t.singular === a || (t.shortNames as readonly string[]).includes(a);
  });
  return kind && resourceType(kind);
}

export const gitKinds = kinds.filter((k) => resourceTypes[k].fromGit);
