import express, { type Express, type RequestHandler, Router } from 'express';
import type { PodSecurityConfig } from '../../common/config/cluster-config.js';
import { errorHandler, notFoundHandler } from '../../common/http/error-handler.js';
import { createLogger, type Logger } from '../../common/log/log.js';
import { checkPodSecurity, DEFAULT_POD_SECURITY } from '../admission/pod-security.js';
import { authenticate, authorizeRequests } from '../auth/auth-middleware.js';
import type { Authenticator } from '../auth/authenticate.js';
import { defaultNodeHealthOptions } from '../controllers/node-health.js';
import type { ObjectStore } from '../store/object-store.js';
import { MAX_API_BODY_BYTES } from '../store/size-limits.js';
import { createDerivedRouter } from './derived-router.js';
import { createDiscoveryRouter } from './discovery-router.js';
import { createNamespaceRouter } from './namespace-router.js';
import { requestMetrics } from './request-metrics.js';
import { createResourceRouter } from './resource-router.js';
import { storeHttpError } from './store-http-error.js';

export interface ApiDeps {
  store: ObjectStore;
  /** Who a bearer token belongs to (clusterAuthenticator: admin, bootstrap, nodes, components). */
  authenticator: Authenticator;
  log?: Logger;
  /** How often a watch that allows bookmarks gets one while nothing changes. */
  bookmarkMs?: number;
  /** Pod Security admission of pods created through the API (Kubernetes' baseline, no hostPath, when absent). */
  podSecurity?: PodSecurityConfig;
}

export interface ApiAppOptions {
  /** Mounted first, before body parsing and bearer auth (Git smart HTTP brings its own auth and raw bodies). */
  unauthenticated?: RequestHandler[];
  /** Mounted after authentication and authorization, beside the resource API (minik8s' own `/minik8s/v1` routes). */
  authenticated?: RequestHandler[];
}

/**
 * The resource API behind authentication and authorization (reconciler/auth), with JSON bodies parsed;
 * errors are left to the app's handler. Its middleware guards every route mounted after it too.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps.authenticator));
  // Patches come as application/merge-patch+json and the like.
  router.use(express.json({ limit: MAX_API_BODY_BYTES, type: ['application/json', 'application/*+json'] }));
  router.use(authorizeRequests(deps.store));
  router.use(createDiscoveryRouter());
  router.use(createDerivedRouter({ store: deps.store, leaseDurationSeconds: defaultNodeHealthOptions.heartbeatGraceMs / 1000 }));
  router.use(createNamespaceRouter(deps.store));
  const policy = deps.podSecurity ?? DEFAULT_POD_SECURITY;
  router.use(
    createResourceRouter({
      store: deps.store,
      log: deps.log ?? createLogger('api'),
      admit: (o) => checkPodSecurity(o, policy),
      ...(deps.bookmarkMs !== undefined && { bookmarkMs: deps.bookmarkMs }),
    }),
  );
  return router;
}

/**
 * The control plane's HTTP app: open /healthz, then the resource API and any extra routes, then
 * one 404 and one error handler, so every failure answers with a Kubernetes `Status`.
 */
export function createApiApp(deps: ApiDeps, options: ApiAppOptions = {}): Express {
  const log = deps.log ?? createLogger('api');
  const app = express();
  app.disable('x-powered-by');
  app.use(requestMetrics());
  app.get('/healthz', (_req, res) => void res.type('text/plain').send('ok'));
  for (const h of options.unauthenticated ?? []) app.use(h);
  app.use(createApiRouter({ ...deps, log }));
  for (const h of options.authenticated ?? []) app.use(h);
  app.use(notFoundHandler);
  app.use(errorHandler(log, storeHttpError));
  return app;
}
