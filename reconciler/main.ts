import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clusterConfigPath, minik8sHome, readClusterConfig } from '../common/config/cluster-config.js';
import { kafkaClientsPath, readKafkaClients } from '../common/functions/kafka-clients.js';
import { createLogger } from '../common/log/log.js';
import { repoRoot } from '../common/paths/repo-root.js';
import { startControlPlane } from './control-plane.js';

/** The control-plane process: `node dist/reconciler/main.js`, configured by $MINIK8S_HOME/cluster.json. */
const log = createLogger('main');

try {
  const config = readClusterConfig(clusterConfigPath());
  const kafkaFile = kafkaClientsPath(minik8sHome());
  // npm start brings Kafka up first; without it, functions answer HTTP calls only.
  const kafka = existsSync(kafkaFile) ? readKafkaClients(kafkaFile) : undefined;
  if (!kafka) log.warn({ kafkaFile }, 'no Kafka clients file: functions get no asynchronous calls or event triggers');
  const cp = await startControlPlane({ config, home: minik8sHome(), repoSeedDir: join(repoRoot, 'cluster-repo'), ...(kafka && { kafka }) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      log.info({ signal }, 'stopping');
      void cp.stop().then(() => process.exit(0));
    });
} catch (err) {
  log.fatal({ err }, 'control plane failed to start');
  process.exit(1);
}
