import type { Command } from 'commander';
import type { ApiClient } from '../../common/client/api-client.js';
import { ApiError } from '../../common/client/api-error.js';
import { columnsFor } from '../../common/printers/columns.js';
import { type ApiObject, lookupResourceType, type ResourceType } from '../../common/schema/index.js';
import { cliContext } from '../cli-context.js';
import { formatObjects, parseOutputFormat } from '../printers/output-format.js';
import { formatTable } from '../printers/table.js';

export interface GetOptions {
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  output?: string;
}

/** Resolves `po,svc` to resource types, failing as kubectl does on a name it does not know. */
export function resolveTypes(text: string): ResourceType[] {
  return text.split(',').map((alias) => {
    const t = lookupResourceType(alias.trim());
    if (!t) throw new Error(`the server doesn't have a resource type "${alias}"`);
    return t;
  });
}

async function fetchObjects(client: ApiClient, t: ResourceType, names: string[], opts: GetOptions): Promise<ApiObject[]> {
  if (names.length === 0) {
    const namespace = opts.allNamespaces ? undefined : opts.namespace;
    return (await client.list(t.kind, { namespace, labelSelector: opts.selector })).items;
  }
  const found: ApiObject[] = [];
  for (const name of names) {
    const o = await client.get({ kind: t.kind, namespace: opts.namespace, name });
    if (!o) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
    found.push(o);
  }
  return found;
}

function table(t: ResourceType, objects: ApiObject[], opts: GetOptions, prefixKind: boolean): string {
  const now = new Date();
  const columns = columnsFor(t.kind, opts.output === 'wide');
  const withNamespace = Boolean(opts.allNamespaces && t.namespaced);
  const headers = [...(withNamespace ? ['NAMESPACE'] : []), ...columns.map((c) => c.header)];
  const rows = objects.map((o) => [
    ...(withNamespace ? [o.metadata.namespace ?? ''] : []),
    ...columns.map((c, i) => (i === 0 && prefixKind && c.header === 'NAME' ? `${t.singular}/${c.cell(o, now)}` : c.cell(o, now))),
  ]);
  return formatTable(headers, rows);
}

export function register(program: Command): void {
  program
    .command('get')
    .description('Display one or many resources (kinds: po, svc, rs, deploy, hpa, dns, ep, no, ev, wf, executions; several as po,svc)')
    .argument('<type>', 'resource type, or several separated by commas')
    .argument('[names...]', 'names of objects to show')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-l, --selector <selector>', 'label selector such as app=web,tier!=db')
    .option('-o, --output <format>', 'wide, json or yaml')
    .action(async (typeText: string, names: string[], opts: GetOptions) => {
      const format = parseOutputFormat(opts.output);
      const types = resolveTypes(typeText);
      if (types.length > 1 && names.length > 0) throw new Error('names can only be given with a single resource type');
      const { client } = cliContext();
      const perType = await Promise.all(types.map(async (t) => ({ t, objects: await fetchObjects(client, t, names, opts) })));

      if (format === 'json' || format === 'yaml') {
        process.stdout.write(
          `${formatObjects(
            perType.flatMap((p) => p.objects),
            format,
            names.length === 1,
          )}\n`,
        );
        return;
      }
      const tables = perType.filter((p) => p.objects.length > 0).map((p) => table(p.t, p.objects, opts, types.length > 1));
      if (tables.length === 0) {
        const namespaced = types.some((t) => t.namespaced) && !opts.allNamespaces;
        process.stderr.write(namespaced ? `No resources found in ${opts.namespace} namespace.\n` : 'No resources found\n');
        return;
      }
      process.stdout.write(`${tables.join('\n\n')}\n`);
    });
}
