/**
 * Who a request comes from, as the authenticator decides it from the bearer token. One small model
 * for every caller: the admin (mkctl, `cluster.json`'s token), a node's bootstrap token (good for one
 * thing: exchanging into the node's own token), a node (its agent), and the cluster's components, each
 * with the rules of its role in component-roles.ts.
 */
export type Identity = { type: 'admin' } | { type: 'bootstrap' } | { type: 'node'; nodeName: string } | { type: 'component'; component: ComponentName };

/** The components that get a scoped token of their own. A new one adds its name here and its rules in component-roles.ts. */
export const componentNames = ['gateway'] as const;
export type ComponentName = (typeof componentNames)[number];

export function isComponentName(name: string): name is ComponentName {
  return (componentNames as readonly string[]).includes(name);
}

/** The user name shown in refusals, in Kubernetes' style (`system:node:node-1`). */
export function userName(identity: Identity): string {
  switch (identity.type) {
    case 'admin':
      return 'minik8s:admin';
    case 'bootstrap':
      return 'system:bootstrap';
    case 'node':
      return `system:node:${identity.nodeName}`;
    case 'component':
      return `system:component:${identity.component}`;
  }
}
