import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type KafkaClients, readKafkaClients } from '../../common/functions/kafka-clients.js';
import { renderBrokerProperties } from './broker-properties.js';

/**
 * scripts/lib/kafka.sh's helper: `write-broker-config.ts --dir KAFKA_DIR --client HOST:PORT [--bridge HOST:PORT]
 * --controller-port N`. Creates `KAFKA_DIR/clients.json` (the users and their passwords) once, then renders
 * `KAFKA_DIR/server.properties` from it. Both are written to a temporary file and renamed into place.
 */
const USERS = ['controlplane', 'gateway', 'workflows'] as const;

function hostPort(v: string | undefined, flag: string): { host: string; port: number } {
  const m = /^([\d.]+):(\d+)$/.exec(v ?? '');
  if (!m) throw new Error(`${flag}: expected HOST:PORT, got ${v ?? '(nothing)'}`);
  return { host: m[1]!, port: Number(m[2]) };
}

async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

const { values } = parseArgs({
  options: { dir: { type: 'string' }, client: { type: 'string' }, bridge: { type: 'string' }, 'controller-port': { type: 'string' } },
});
if (!values.dir) throw new Error('--dir is required');
const client = hostPort(values.client, '--client');
const bridge = values.bridge ? hostPort(values.bridge, '--bridge') : undefined;
const clientsPath = join(values.dir, 'clients.json');
const known = existsSync(clientsPath) ? readKafkaClients(clientsPath) : undefined;
const clients: KafkaClients = {
  brokers: [`${client.host}:${client.port}`],
  bridgeBrokers: [bridge ? `${bridge.host}:${bridge.port}` : `${client.host}:${client.port}`],
  users: Object.fromEntries(USERS.map((u) => [u, known?.users[u] ?? randomBytes(18).toString('hex')])),
};
await writeAtomically(clientsPath, `${JSON.stringify(clients, null, 2)}\n`);
const properties = renderBrokerProperties({
  dataDir: join(values.dir, 'data'),
  client,
  ...(bridge && { bridge }),
  controllerPort: Number(values['controller-port'] ?? 9093),
  users: clients.users,
});
await writeAtomically(join(values.dir, 'server.properties'), properties);
