import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { ApiClient } from '../../common/client/api-client.js';
import { readClusterConfig } from '../../common/config/cluster-config.js';
import { fetchInvokeToken } from '../../common/functions/function-token.js';
import { type FunctionTrigger, functionTriggerSchema, nameSchema } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import { reportSync } from '../../reconciler/sync/sync-report.js';
import { cliContext } from '../cli-context.js';
import { commitToCluster } from '../git/commit-to-cluster.js';

/** The gateway as the host reaches it: the address its Endpoints name (a node's IP, port 80). */
async function gatewayUrl(client: ApiClient): Promise<string> {
  const ep = await client.get({ kind: 'Endpoints', namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name });
  const address = ep?.subsets[0]?.addresses[0]?.ip;
  const port = ep?.subsets[0]?.ports?.[0]?.port;
  if (!address || !port) throw new Error('the gateway is not running (npm start starts it)');
  return `http://${address}:${port}`;
}

function header(text: string, all: Record<string, string>): Record<string, string> {
  const at = text.indexOf(':');
  if (at <= 0) throw new InvalidArgumentError(`expected KEY:VALUE, got "${text}"`);
  return { ...all, [text.slice(0, at).trim()]: text.slice(at + 1).trim() };
}

/** `schedule=*\/5 * * * *`, `kafka=TOPIC`, `git=GLOB` → a trigger of the Function kind. */
function trigger(text: string, all: FunctionTrigger[]): FunctionTrigger[] {
  const at = text.indexOf('=');
  const [type, value] = at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
  const raw =
    type === 'schedule' ? { schedule: value } : type === 'kafka' ? { kafka: { topic: value } } : type === 'git' ? { git: { paths: value } } : undefined;
  const parsed = raw && functionTriggerSchema.safeParse(raw);
  if (!parsed?.success)
    throw new InvalidArgumentError(`expected schedule=CRON, kafka=TOPIC or git=GLOB, got "${text}"${parsed ? `: ${parsed.error.issues[0]?.message}` : ''}`);
  return [...all, parsed.data];
}

/** Every file under `dir` (or the file itself), as repository paths under `functions/NAME/`. */
async function codeFiles(path: string, name: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!(await stat(path)).isDirectory()) {
    out.set(`functions/${name}/${basename(path)}`, await readFile(path, 'utf8'));
    return out;
  }
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.parentPath.includes('__pycache__')) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(`functions/${name}/${relative(path, full)}`, await readFile(full, 'utf8'));
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('invoke')
    .description('Call a function through the gateway and print its answer (--async: the call id)')
    .argument('<name>')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-d, --data <json|@file>', 'the body: JSON text, or @FILE')
    .option('-H, --header <key:value>', 'a request header (repeatable)', header, {})
    .option('--async', 'queue the call and print its id; fetch the result with GET /function-calls/ID')
    .action(async (name: string, opts: { namespace: string; data?: string; header: Record<string, string>; async?: boolean }) => {
      const { client } = cliContext();
      const body = opts.data?.startsWith('@') ? await readFile(opts.data.slice(1)) : opts.data;
      const token = await fetchInvokeToken(client, opts.namespace, name);
      const headers = { ...(body !== undefined && { 'content-type': 'application/json' }), authorization: `Bearer ${token}`, ...opts.header };
      const url = `${await gatewayUrl(client)}/${opts.async ? 'async-function' : 'function'}/${opts.namespace}/${name}`;
      const res = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, ...(body !== undefined && { body }) });
      const text = await res.text();
      if (opts.async && res.status === 202) return void console.log((JSON.parse(text) as { callId: string }).callId);
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      if (!res.ok) {
        process.stderr.write(`HTTP ${res.status} (revision ${res.headers.get('x-minik8s-revision') ?? 'none'})\n`);
        process.exitCode = 1;
      }
    });

  const fn = program.command('function').description('Functions: deploy, token');
  fn.command('token')
    .description('Print the bearer token that calls a private function through the gateway (Authorization: Bearer TOKEN)')
    .argument('<name>')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(async (name: string, opts: { namespace: string }) => {
      console.log(await fetchInvokeToken(cliContext().client, opts.namespace, name));
    });
  fn.command('deploy')
    .description('Commit a function (FILE.py or a folder with handler.py) and its manifest to the cluster repository, and push')
    .argument('<path>')
    .requiredOption('--name <name>', 'the function name')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--trigger <spec>', 'schedule=CRON, kafka=TOPIC or git=GLOB (repeatable)', trigger, [])
    .action(async (path: string, opts: { name: string; namespace: string; trigger: FunctionTrigger[] }) => {
      if (!nameSchema.safeParse(opts.name).success) throw new Error(`--name: "${opts.name}" is not a valid name`);
      const code = await codeFiles(path, opts.name);
      const single = !(await stat(path)).isDirectory();
      const manifest = {
        apiVersion: 'minik8s.io/v1',
        kind: 'Function',
        metadata: { name: opts.name, namespace: opts.namespace },
        spec: { source: single ? [...code.keys()][0] : `functions/${opts.name}/`, ...(opts.trigger.length > 0 && { triggers: opts.trigger }) },
      };
      const { revision, result } = await commitToCluster(readClusterConfig(), () => ({
        edit: new Map([...code, [`functions/${opts.name}.yaml`, toYaml(manifest)]]),
        message: `function deploy: ${opts.namespace}/${opts.name}`,
      }));
      if (!revision) return void console.log('unchanged: the cluster repository already holds this function');
      console.log(`function ${opts.namespace}/${opts.name} deployed (${code.size} file(s) in functions/${opts.name}/)`);
      const report = reportSync(revision, result);
      console.log(report.lines.join('\n'));
      if (!report.ok) process.exitCode = 1;
    });
}
