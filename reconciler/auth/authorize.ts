import { isDeepStrictEqual } from 'node:util';
import { BOOTSTRAP_PATH } from '../../common/auth/node-bootstrap.js';
import type { ApiObject } from '../../common/schema/index.js';
import { componentRoles, READ, type Rule } from './component-roles.js';
import type { Identity } from './identity.js';
import type { RequestAttributes } from './request-attributes.js';

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface AuthorizationContext {
  /** The object as stored, for requests on one object that a node makes (is the pod bound to it?). */
  stored?: ApiObject | undefined;
  /** The request body, for creates (is the Node it registers its own?). */
  body?: unknown;
}

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** Discovery and OpenAPI: what every client reads before anything else; it tells nothing about objects. */
const DISCOVERY = /^\/(version|api(\/[^/]+)?|apis(\/[^/]+){0,2}|openapi\/v2|openapi\/v3(\/.*)?)\/?$/;

/** `functionSourcePath(namespace, name)` (common/functions/function-source-api.ts). */
const FUNCTION_SOURCE = /^\/minik8s\/v1\/namespaces\/[^/]+\/functions\/[^/]+\/source$/;

/** Whether the decision for this caller needs the stored object (the authorizer middleware then reads it). */
export function needsStoredObject(identity: Identity, attrs: RequestAttributes): boolean {
  return identity.type === 'node' && attrs.type === 'resource' && (attrs.kind === 'Pod' || attrs.kind === 'Node') && attrs.name !== undefined;
}

const bodyName = (body: unknown) => (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;

function matches(rule: Rule, attrs: Extract<RequestAttributes, { type: 'resource' }>, ctx: AuthorizationContext): boolean {
  // A create names its object in the body, not the path.
  const name = attrs.name ?? (attrs.verb === 'create' ? bodyName(ctx.body) : undefined);
  return (
    rule.verbs.includes(attrs.verb) &&
    attrs.kind !== undefined &&
    rule.kinds.includes(attrs.kind) &&
    (rule.namespace === undefined || rule.namespace === attrs.namespace) &&
    (rule.names === undefined || (typeof name === 'string' && rule.names.includes(name))) &&
    (attrs.subresource === undefined || (rule.subresources ?? []).includes(attrs.subresource))
  );
}

const bodySpec = (body: unknown) => (body as { spec?: unknown } | undefined)?.spec;

/**
 * A node's Node spec is the control plane's (its pod subnet, cordoning): the node registers with an
 * empty one and may change its labels, never the spec (as Kubernetes' NodeRestriction admission).
 */
function keepsNodeSpec(verb: string, ctx: AuthorizationContext): boolean {
  const spec = bodySpec(ctx.body);
  if (verb === 'create') return spec === undefined || isDeepStrictEqual(spec, {});
  if (verb === 'patch') return spec === undefined;
  return ctx.stored?.kind === 'Node' && isDeepStrictEqual(spec ?? {}, ctx.stored.spec);
}

/**
 * Kubernetes' Node authorizer, for minik8s' kinds: a node reads what its agent needs (pods, services,
 * endpoints, nodes, DNS, node metrics, functions and their code), writes its own Node (and its status), its own NodeMetrics,
 * the status of the pods bound to it, and events it reports itself; nothing else (no exec or logs of
 * any pod, no spec writes, no deletes, no other node's objects).
 */
function authorizeNode(nodeName: string, attrs: Extract<RequestAttributes, { type: 'resource' }>, ctx: AuthorizationContext): Decision {
  const { verb, kind, name, subresource } = attrs;
  if (kind === undefined) return deny('nodes may not use this resource');
  if (READ.includes(verb) && subresource === undefined && ['Pod', 'Service', 'Endpoints', 'Node', 'DNS', 'NodeMetrics', 'Function'].includes(kind)) {
    // A single pod only when it is bound to this node; lists and watches are the agent's informers (as system:node's role allows).
    if (kind === 'Pod' && verb === 'get' && ctx.stored?.kind === 'Pod' && ctx.stored.spec.nodeName !== nodeName)
      return deny(`the pod is not bound to node "${nodeName}"`);
    return allow;
  }
  if (kind === 'Node' || kind === 'NodeMetrics') {
    const own = verb === 'create' ? bodyName(ctx.body) === nodeName : name === nodeName;
    if (!own) return deny(`a node may only write its own ${kind} ("${nodeName}")`);
    if (kind === 'Node' && subresource === undefined && ['create', 'update', 'patch'].includes(verb) && !keepsNodeSpec(verb, ctx))
      return deny('a node may not set its own spec (pod subnet, unschedulable): the control plane does');
    if (['create', 'update', 'patch'].includes(verb) && (subresource === undefined || (kind === 'Node' && subresource === 'status'))) return allow;
    return deny(`a node may not ${verb} ${subresource ? `${attrs.resource}/${subresource}` : attrs.resource}`);
  }
  if (kind === 'Pod' && subresource === 'status' && (verb === 'update' || verb === 'patch' || verb === 'get')) {
    if (ctx.stored?.kind === 'Pod' && ctx.stored.spec.nodeName === nodeName) return allow;
    return deny(`the pod is not bound to node "${nodeName}"`);
  }
  if (kind === 'Event' && verb === 'create') {
    const host = (ctx.body as { source?: { host?: unknown } } | undefined)?.source?.host;
    return host === nodeName ? allow : deny(`a node may only report events with source.host "${nodeName}"`);
  }
  return deny(`nodes may not ${verb} ${subresource ? `${attrs.resource}/${subresource}` : attrs.resource}`);
}

/** Allow or deny one request; a pure function of who asks, what is asked, and the objects involved. */
export function authorize(identity: Identity, attrs: RequestAttributes, ctx: AuthorizationContext = {}): Decision {
  if (identity.type === 'admin') return allow;
  if (attrs.type === 'nonResource') {
    if (identity.type === 'bootstrap')
      return attrs.method === 'POST' && attrs.path === BOOTSTRAP_PATH ? allow : deny('a bootstrap token is only good for joining a node');
    if ((attrs.method === 'GET' || attrs.method === 'HEAD') && DISCOVERY.test(attrs.path)) return allow;
    // A node fetches the code of the functions it runs (read-only, what the pods mount).
    if (identity.type === 'node' && attrs.method === 'GET' && FUNCTION_SOURCE.test(attrs.path)) return allow;
    if (identity.type === 'component' && componentRoles[identity.component].paths?.some((p) => p.path === attrs.path && p.methods.includes(attrs.method)))
      return allow;
    return deny(`${attrs.path} is for the cluster admin`);
  }
  switch (identity.type) {
    case 'bootstrap':
      return deny('a bootstrap token is only good for joining a node');
    case 'node':
      return authorizeNode(identity.nodeName, attrs, ctx);
    case 'component':
      return componentRoles[identity.component].resources.some((rule) => matches(rule, attrs, ctx))
        ? allow
        : deny(`the ${identity.component} role does not allow it`);
  }
}
