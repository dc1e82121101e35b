import { type DNS, type Service, serviceAddressesRefused } from '../common/schema/index.js';

/** One `spec.paths` entry of a DNS object, with the namespace its service lives in. */
export interface Route {
  namespace: string;
  path: string;
  service: string;
  port: number;
  keepPrefix: boolean;
}

export type RouteDecision =
  | { kind: 'forward'; route: Route; target: { ip: string; port: number }; path: string }
  /** Unknown host, or no path of it matches: 404. */
  | { kind: 'not-found'; message: string }
  /** A route whose service is missing, has no usable ClusterIP or not the route's port: 503. */
  | { kind: 'unavailable'; message: string };

/** `Shop.Example.com:80` → `shop.example.com`. */
export function hostName(hostHeader: string | undefined): string {
  return (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/** Every path of every DNS object for `host` (several objects may share one host). */
export function routesFor(host: string, dns: readonly DNS[]): Route[] {
  return dns.filter((d) => d.spec.host === host).flatMap((d) => d.spec.paths.map((p) => ({ namespace: d.metadata.namespace ?? 'default', ...p })));
}

/** A route's path without a trailing slash ('' for `/`), so `/cart/` and `/cart` mean the same. */
function prefixOf(route: Route): string {
  return route.path.replace(/\/+$/, '');
}

/** The longest prefix that matches whole path segments: `/cart` takes `/cart` and `/cart/x`, not `/cartoon`. */
export function matchRoute(routes: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    const prefix = prefixOf(r);
    const matches = path === prefix || path.startsWith(`${prefix}/`);
    if (matches && (!best || prefix.length > prefixOf(best).length)) best = r;
  }
  return best;
}

/** The request's path and query as the service gets them: the prefix stripped unless `keepPrefix`. */
export function forwardedUrl(route: Route, url: string): string {
  if (route.keepPrefix) return url;
  const q = url.indexOf('?');
  const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
  const rest = path.slice(prefixOf(route).length);
  return `${rest.startsWith('/') ? rest : `/${rest}`}${query}`;
}

/** Where a request for `host` and `url` goes, from the DNS objects and services as cached. */
export function routeRequest(hostHeader: string | undefined, url: string, names: { dns: readonly DNS[]; services: readonly Service[] }): RouteDecision {
  const host = hostName(hostHeader);
  const routes = routesFor(host, names.dns);
  if (routes.length === 0) return { kind: 'not-found', message: `no DNS entry for host "${host}"` };
  const path = url.split('?')[0] ?? '/';
  const route = matchRoute(routes, path);
  if (!route) return { kind: 'not-found', message: `no path of host "${host}" matches "${path}"` };
  const which = `service ${route.namespace}/${route.service}`;
  const service = names.services.find((s) => s.metadata.name === route.service && (s.metadata.namespace ?? 'default') === route.namespace);
  if (!service) return { kind: 'unavailable', message: `${which} does not exist` };
  const ip = service.spec.clusterIP;
  if (!ip || serviceAddressesRefused(service)) return { kind: 'unavailable', message: `${which} has no cluster IP` };
  if (!service.spec.ports.some((p) => p.port === route.port)) return { kind: 'unavailable', message: `${which} has no port ${route.port}` };
  return { kind: 'forward', route, target: { ip, port: route.port }, path: forwardedUrl(route, url) };
}
