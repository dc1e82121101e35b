import { HttpError } from '../../common/http/http-error.js';

/** What `pods/log` takes (kubectl's `logs` flags), and how each is spelled on the node agent's `containerLogs`. */
const FLAGS = { follow: 'follow', previous: 'previous', timestamps: 'timestamps' } as const;
const NUMBERS = { tailLines: 'tail', sinceSeconds: 'since' } as const;

/**
 * Translates a `pods/log` query into the agent's. `container` picks the container (in the path);
 * `insecureSkipTLSVerifyBackend` changes nothing (the agent is reached over the cluster network).
 * Anything else (`limitBytes`, `sinceTime`) is refused rather than ignored.
 */
export function agentLogQuery(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of query) {
    if (key === 'container' || key === 'insecureSkipTLSVerifyBackend' || key === 'pretty') continue;
    if (key in FLAGS) {
      if (value === 'true') out.set(FLAGS[key as keyof typeof FLAGS], 'true');
      else if (value !== 'false') throw new HttpError(400, 'BadRequest', `${key} must be true or false, got "${value}"`);
    } else if (key in NUMBERS) {
      if (!/^\d+$/.test(value)) throw new HttpError(400, 'BadRequest', `${key} must be a whole number, got "${value}"`);
      out.set(NUMBERS[key as keyof typeof NUMBERS], value);
    } else
      throw new HttpError(
        400,
        'BadRequest',
        `log option "${key}" is not supported (supported: container, follow, previous, timestamps, tailLines, sinceSeconds)`,
      );
  }
  return out;
}
