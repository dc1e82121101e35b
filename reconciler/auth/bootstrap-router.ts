import { Router } from 'express';
import { BOOTSTRAP_PATH, type NodeBootstrapAnswer } from '../../common/auth/node-bootstrap.js';
import { HttpError } from '../../common/http/http-error.js';
import { nameSchema } from '../../common/schema/index.js';
import { scopedToken } from './scoped-tokens.js';

/**
 * `POST /minik8s/v1/bootstrap/node {nodeName}`: the one thing a bootstrap token may do (the
 * authorizer lets nothing else through), as kubelet's TLS bootstrap trades it for a node certificate.
 * Anyone holding the bootstrap token can join a node of any name, as in Kubernetes with auto-approval;
 * it lives only in cluster.json and the agents' configs, both mode 0600.
 */
export function bootstrapRouter(tokenKey: string): Router {
  const router = Router();
  router.post(BOOTSTRAP_PATH, (req, res) => {
    const parsed = nameSchema.safeParse((req.body as { nodeName?: unknown } | undefined)?.nodeName);
    if (!parsed.success) throw new HttpError(400, 'BadRequest', `nodeName: ${parsed.error.issues[0]?.message ?? 'required'}`);
    const nodeName = parsed.data;
    const answer: NodeBootstrapAnswer = { nodeName, token: scopedToken(tokenKey, 'node', nodeName), agentToken: scopedToken(tokenKey, 'agent', nodeName) };
    res.status(201).json(answer);
  });
  return router;
}
