/** What a gateway URL names: a call of a function (sync or async), a call's result, or nothing of functions'. */
export type FunctionPath = { kind: 'call' | 'async'; namespace: string; name: string; url: string } | { kind: 'result'; callId: string } | { kind: 'none' };

/**
 * `/function/NAME[/rest]`, `/function/NS/NAME[/rest]` (when NS/NAME is a function), `/async-function/…` alike,
 * `/function-calls/ID`. `url` is what the function sees: the rest of the path and the query.
 */
export function parseFunctionPath(rawUrl: string, exists: (namespace: string, name: string) => boolean): FunctionPath {
  const q = rawUrl.indexOf('?');
  const [path, query] = q < 0 ? [rawUrl, ''] : [rawUrl.slice(0, q), rawUrl.slice(q)];
  const segments = path.split('/').slice(1).map(decodeURIComponent);
  const [head, a, b] = segments;
  if (head === 'function-calls' && a && segments.length === 2) return { kind: 'result', callId: a };
  if ((head !== 'function' && head !== 'async-function') || !a) return { kind: 'none' };
  const kind = head === 'function' ? 'call' : 'async';
  const namespaced = b !== undefined && exists(a, b);
  const [namespace, name, restAt] = namespaced ? [a, b, 3] : ['default', a, 2];
  const rest = segments.slice(restAt).map(encodeURIComponent).join('/');
  return { kind, namespace, name, url: `/${rest}${query}` };
}
