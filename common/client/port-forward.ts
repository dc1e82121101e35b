/**
 * The `Upgrade` token of a pod port connection between the API server and a node agent
 * (`GET /portForward/:namespace/:pod?port=N`): after the 101, the socket carries that port's bytes both ways.
 */
export const PORT_FORWARD_UPGRADE = 'minik8s-portforward';
