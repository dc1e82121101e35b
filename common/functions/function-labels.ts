/** The label on a function's ReplicaSet and instances: the function's name (they live in its namespace). */
export const LABEL_FUNCTION = 'minik8s.io/function';
/** The port the runtime serves calls on, in every instance. */
export const RUNTIME_PORT = 8080;
