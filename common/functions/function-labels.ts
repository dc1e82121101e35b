/** The label on a function's ReplicaSet and instances: the function's name (they live in its namespace). */
export const LABEL_FUNCTION = 'minik8s.io/function';
/**
 * The runtime image every function runs in (built at bootstrap, served by the cluster registry); the code comes
 * from the node, not the image.
 */
export const RUNTIME_IMAGE = 'python:latest';
/** The port the runtime serves calls on, in every instance. */
export const RUNTIME_PORT = 8080;
