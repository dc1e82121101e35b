import type { ApiClient } from '../../common/client/api-client.js';
import { Informer } from '../../common/client/informer.js';
import type { Logger } from '../../common/log/log.js';
import type { FunctionCode } from './function-code.js';

/**
 * Keeps the node's function code at each function's current revision: when a Function's status names new code
 * (`sourceOid`), the functions this node holds code for fetch it and swap it in; a deleted Function's code goes.
 * The running instances pick the new code up on their next call.
 */
export async function startFunctionCodeWatcher(api: ApiClient, code: FunctionCode, log: Logger): Promise<{ stop(): void }> {
  const functions = new Informer(api, 'Function', { log });
  functions.onChange(({ type, object }) => {
    const namespace = object.metadata.namespace ?? 'default';
    const { name } = object.metadata;
    const job =
      type === 'DELETED' ? code.remove(namespace, name) : object.status?.sourceOid ? code.refresh(namespace, name, object.status.sourceOid) : Promise.resolve();
    job.catch((err: Error) =>
      log.warn({ function: `${namespace}/${name}`, err: err.message }, 'could not update function code; the instances keep the code they have'),
    );
  });
  await functions.start();
  return { stop: () => functions.stop() };
}
