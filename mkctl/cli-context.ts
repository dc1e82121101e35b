import { ApiClient } from '../common/client/api-client.js';
import { type ClusterConfig, readClusterCa, readClusterConfig } from '../common/config/cluster-config.js';

/** The cluster config and an API client for it: what every command that talks to the cluster starts from. */
export function cliContext(): { config: ClusterConfig; client: ApiClient } {
  const config = readClusterConfig();
  return { config, client: new ApiClient({ baseUrl: config.apiUrl, token: config.token, ca: readClusterCa(config) }) };
}
