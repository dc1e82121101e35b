import { FUNCTION_ACTIVITY_PATH } from '../../common/functions/function-activity-api.js';
import type { Kind } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import type { ComponentName } from './identity.js';
import type { Verb } from './request-attributes.js';

/** One permission, as an RBAC rule: these verbs on these kinds, optionally only some objects. */
export interface Rule {
  verbs: readonly Verb[];
  kinds: readonly Kind[];
  /** Only objects in this namespace (unset: any). */
  namespace?: string;
  /** Only these names (unset: any; list and watch have no name and are never allowed by a named rule). */
  names?: readonly string[];
  /** The subresources allowed besides the object itself (unset: none). */
  subresources?: readonly string[];
}

/** A path outside the resource API (minik8s' own `/minik8s/v1/...` endpoints) a role may call. */
export interface PathRule {
  methods: readonly string[];
  path: string;
}

export interface Role {
  resources: readonly Rule[];
  paths?: readonly PathRule[];
}

export const READ: readonly Verb[] = ['get', 'list', 'watch'];

/**
 * What each component may do, and nothing else. A component that needs the API (a functions runtime,
 * Prometheus) adds its name to `componentNames` and its rules here, and reads its token from
 * $MINIK8S_HOME/credentials/<name>.token, which the control plane writes at start.
 */
export const componentRoles: Record<ComponentName, Role> = {
  // Routes come from DNS objects and Services; function calls go to the Functions' pods, and their rates are
  // reported for scaling; workflows are started over HTTP as new Executions, whose results it reads back;
  // the gateway publishes its own address as the gateway Service's Endpoints.
  gateway: {
    resources: [
      { verbs: READ, kinds: ['DNS', 'Service', 'Function', 'Pod', 'Workflow', 'Execution'] },
      { verbs: ['create'], kinds: ['Execution'] },
      { verbs: [...READ, 'create', 'update', 'patch', 'delete'], kinds: ['Endpoints'], namespace: GATEWAY_SERVICE.namespace, names: [GATEWAY_SERVICE.name] },
    ],
    paths: [{ methods: ['POST'], path: FUNCTION_ACTIVITY_PATH }],
  },
};
