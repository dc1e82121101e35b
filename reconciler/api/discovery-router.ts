import { createHash } from 'node:crypto';
import { Router } from 'express';
import { HttpError } from '../../common/http/http-error.js';
import { apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { openApiV2Document, openApiV3Documents, openApiV3Index } from './openapi.js';

/** The Kubernetes version the API answers as: the one whose clients it is tested with. */
export const SERVED_KUBERNETES_VERSION = { major: '1', minor: '37', gitVersion: 'v1.37.0-minik8s' };

const hashOf = (doc: object) => createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();

/**
 * What clients read before anything else: `/version`, discovery (`/api`, `/apis` and each group
 * version's resources) and OpenAPI v2 and v3, all generated from the schema registry. Discovery is
 * the legacy (unaggregated) form; clients that ask for the aggregated one accept it.
 */
export function createDiscoveryRouter(): Router {
  const router = Router();
  router.get(
    '/version',
    (_req, res) =>
      void res.json({
        ...SERVED_KUBERNETES_VERSION,
        gitCommit: '',
        gitTreeState: 'clean',
        buildDate: '',
        goVersion: '',
        compiler: 'minik8s',
        platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      }),
  );
  router.get('/api', (req, res) => void res.json(apiVersions(req.headers.host ?? '')));
  router.get('/apis', (_req, res) => void res.json(apiGroupList()));
  const resourceList = (groupVersion: string) => {
    const list = apiResourceList(groupVersion);
    if (!list) throw new HttpError(404, 'NotFound', `the server could not find the requested resource (group version ${groupVersion})`);
    return list;
  };
  router.get('/api/:version', (req, res) => void res.json(resourceList(String(req.params.version))));
  router.get('/apis/:group/:version', (req, res) => void res.json(resourceList(`${String(req.params.group)}/${String(req.params.version)}`)));

  router.get('/openapi/v2', (req, res) => {
    // client-go asks for the protobuf encoding only; it goes on without v2 when refused, and uses v3.
    if (!(req.headers.accept ?? '*/*').split(',').some((a) => /^\s*(application\/json|\*\/\*)/.test(a)))
      throw new HttpError(406, 'NotAcceptable', 'OpenAPI v2 is served as application/json only; use /openapi/v3');
    res.json(openApiV2Document());
  });
  router.get('/openapi/v3', (_req, res) => void res.json(openApiV3Index(hashOf)));
  router.get(/^\/openapi\/v3\/(.+)$/, (req, res) => {
    const doc = openApiV3Documents().get(String((req.params as Record<string, string>)[0]));
    if (!doc) throw new HttpError(404, 'NotFound', `no OpenAPI v3 document for ${req.path}`);
    // The URL carries the document's hash: a client may keep it as long as the hash is the same.
    if (req.query.hash !== undefined) res.set('Cache-Control', 'public, immutable');
    res.json(doc);
  });
  return router;
}
