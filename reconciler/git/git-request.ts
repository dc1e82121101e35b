/** What `git http-backend` will run for a request, decided once so that authorization and the backend agree. */
export type GitRequest = { ok: true; pathInfo: string; service: GitService | undefined; isPush: boolean } | { ok: false; message: string };

export type GitService = 'git-upload-pack' | 'git-receive-pack';
const SERVICES: readonly string[] = ['git-upload-pack', 'git-receive-pack'];

/**
 * Classifies a request from its raw path and query string. `git http-backend` acts on the decoded
 * path and on a `service` parameter it decodes itself, so anything an encoding could make mean two
 * things is refused: a path with any percent-encoding (git clients never encode a repository path),
 * a `service` given more than once or naming anything but the two services. The backend is then
 * handed only what was decided on: the path as checked and the one `service` value.
 * Pure, so the bypasses are unit-tested as well as sent over HTTP.
 */
export function classifyGitRequest(rawPath: string, rawQuery: string): GitRequest {
  if (rawPath.includes('%')) return { ok: false, message: 'percent-encoded characters are not allowed in a git path' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
  if (/[\\\0-\x1f]/.test(rawPath)) return { ok: false, message: 'malformed git path' };
  const services = [...new URLSearchParams(rawQuery)].filter(([name]) => name.trim().toLowerCase() === 'service').map(([, value]) => value);
  if (services.length > 1) return { ok: false, message: 'the service parameter may be given only once' };
  const service = services[0];
  if (service !== undefined && !SERVICES.includes(service)) return { ok: false, message: `unknown git service "${service}"` };
  // Case-insensitive: whatever could possibly reach receive-pack counts as a push.
  const isPush = /git-receive-pack\/*$/i.test(rawPath) || service === 'git-receive-pack';
  return { ok: true, pathInfo: rawPath, service: service as GitService | undefined, isPush };
}
