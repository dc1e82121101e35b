import type { IncomingMessage } from 'node:http';
import { type Request, Router } from 'express';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { PORT_FORWARD_UPGRADE } from '../../common/client/port-forward.js';
import { HttpError } from '../../common/http/http-error.js';
import { takeUpgrade } from '../../common/http/http-upgrade.js';
import { isWebSocketUpgrade, upgradeToAgent } from './exec-websocket.js';
import { podAgentTarget } from './pod-agent-target.js';
import type { PodProxyDeps } from './pod-proxy-router.js';
import { PORT_FORWARD_PROTOCOL, portForwardStreams } from './port-forward-streams.js';
import { SpdySession } from './spdy/spdy-session.js';
import { acceptSpdy, chosenStreamProtocol, isSpdyUpgrade, SPDY } from './spdy/spdy-upgrade.js';

/** kubectl's WebSocket subprotocol for SPDY tunnelled in WebSocket binary messages (its default since 1.31). */
const TUNNELLED = `${SPDY}+${PORT_FORWARD_PROTOCOL}`;

/** ws takes only RFC 6455 tokens as subprotocols, and kubectl's has a '/' and a '+': it is renamed on the way in and answered as offered. */
const TUNNEL_TOKEN = 'minik8s-spdy-portforward';
const tunnels = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(TUNNEL_TOKEN) ? TUNNELLED : false) });

/** Whether the client offers the tunnel; if so its offer is swapped for the token ws accepts. */
function takeTunnelOffer(req: IncomingMessage): boolean {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!offered.includes(TUNNELLED)) return false;
  req.headers['sec-websocket-protocol'] = TUNNEL_TOKEN;
  return true;
}

/**
 * `pods/{name}/portforward` as kubectl speaks it: SPDY/3.1 tunnelled in a WebSocket (GET), or plain SPDY
 * after an HTTP Upgrade (kubectl's fallback). Each forwarded connection becomes its own upgraded connection
 * to the pod's node agent, which dials the port inside the node.
 */
export function createPortForwardRouter(deps: PodProxyDeps): Router {
  const router = Router();
  const serve = async (req: Request) => {
    const webSocket = isWebSocketUpgrade(req) && takeTunnelOffer(req);
    if (!webSocket && !(isSpdyUpgrade(req) && chosenStreamProtocol(req, [PORT_FORWARD_PROTOCOL])))
      throw new HttpError(
        400,
        'BadRequest',
        `port-forward needs a WebSocket (${TUNNELLED}) or Upgrade: ${SPDY} with X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}`,
      );
    const namespace = String(req.params.namespace);
    const name = String(req.params.name);
    const pod = await deps.store.get({ kind: 'Pod', namespace, name });
    if (!pod) throw new HttpError(404, 'NotFound', `pods "${name}" not found`);
    const node = pod.spec.nodeName ? await deps.store.get({ kind: 'Node', name: pod.spec.nodeName }) : undefined;
    const target = podAgentTarget(pod, node, pod.spec.containers[0]?.name);
    const path = `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
    const onStream = portForwardStreams(
      (port) => upgradeToAgent(target, `${path}?port=${port}`, deps.agentToken(target.nodeName), deps.agentCa, PORT_FORWARD_UPGRADE),
      name,
    );
    if (!webSocket) return void acceptSpdy(req, PORT_FORWARD_PROTOCOL, onStream);
    const { socket, head } = takeUpgrade(req)!;
    tunnels.handleUpgrade(req, socket, head, (ws) => new SpdySession(createWebSocketStream(ws), onStream));
  };
  router.get('/api/v1/namespaces/:namespace/pods/:name/portforward', serve);
  router.post('/api/v1/namespaces/:namespace/pods/:name/portforward', serve);
  return router;
}
