import { z } from 'zod';
import { MINIK8S_API } from '../client/api-paths.js';

/** Where a node agent reads a function's code at its current revision (authenticated like the rest of the API). */
export function functionSourcePath(namespace: string, name: string): string {
  return `${MINIK8S_API}/namespaces/${encodeURIComponent(namespace)}/functions/${encodeURIComponent(name)}/source`;
}

/** The same path as an express route. */
export const FUNCTION_SOURCE_ROUTE = `${MINIK8S_API}/namespaces/:namespace/functions/:name/source`;

/** The answer: the revision, the source's object id, and every file (paths relative to the source folder, base64). */
export const functionSourcePayloadSchema = z.object({
  revision: z.string(),
  oid: z.string(),
  files: z.array(z.object({ path: z.string(), content: z.string() })),
});
export type FunctionSourcePayload = z.infer<typeof functionSourcePayloadSchema>;
