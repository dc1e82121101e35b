import type { Command } from 'commander';
import { ApiError } from '../../client/api-error.js';
import { resourceTypes } from '../../schema/index.js';
import { cliContext } from '../cli-context.js';
import { describeObject } from '../printers/describe.js';
import { dnsRoutesSection } from '../printers/dns-routes.js';
import { resolveTypes } from './get.js';

export function register(program: Command): void {
  program
    .command('describe')
    .description('Show the details of an object, with its events')
    .argument('<type>', 'resource type (po, svc, deploy, ...)')
    .argument('<name>')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(async (typeText: string, name: string, opts: { namespace: string }) => {
      const [t] = resolveTypes(typeText);
      if (!t || typeText.includes(',')) throw new Error('describe takes one resource type');
      const { client } = cliContext();
      const object = await client.get({ kind: t.kind, namespace: opts.namespace, name });
      if (!object) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
      // Events about cluster-scoped objects (nodes) are kept in "default".
      const eventNamespace = resourceTypes[t.kind].namespaced ? opts.namespace : 'default';
      const { items } = await client.list('Event', { namespace: eventNamespace });
      const events = items.filter(
        (e) =>
          e.involvedObject.kind === t.kind &&
          e.involvedObject.name === name &&
          (e.involvedObject.uid === undefined || e.involvedObject.uid === object.metadata.uid),
      );
      const related = object.kind === 'DNS' ? dnsRoutesSection(object, (await client.list('Service', { namespace: opts.namespace })).items) : [];
      process.stdout.write(describeObject(object, events, new Date(), related) + '\n');
    });
}
