/**
 * `node dist/reconciler/observability/write-prometheus-config.js --dir DIR --listen HOST:PORT`: renders
 * Prometheus' configuration from the cluster config into DIR/prometheus.yml and the scrape token into
 * DIR/metrics-token (mode 0600), each written atomically. scripts/lib/prometheus.sh runs it on every start.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterConfigPath, readClusterConfig } from '../../common/config/cluster-config.js';
import { writeFileAtomic } from '../../common/fs/write-file-atomic.js';
import { renderPrometheusConfig } from './prometheus-config.js';

const { values } = parseArgs({ options: { dir: { type: 'string' }, listen: { type: 'string' }, ca: { type: 'string' } } });
if (!values.dir || !values.listen) {
  process.stderr.write('usage: write-prometheus-config --dir DIR --listen HOST:PORT [--ca FILE]\n');
  process.exit(2);
}
const path = clusterConfigPath();
const config = readClusterConfig(path);
if (!config.metricsToken) {
  process.stderr.write(`${path}: metricsToken is missing (npm start adds it)\n`);
  process.exit(1);
}
const tokenFile = join(values.dir, 'metrics-token');
await writeFileAtomic(tokenFile, config.metricsToken, 0o600);
const rendered = renderPrometheusConfig({ apiUrl: config.apiUrl, tokenFile, listenAddress: values.listen, caFile: values.ca ?? config.caFile });
await writeFileAtomic(join(values.dir, 'prometheus.yml'), rendered);
