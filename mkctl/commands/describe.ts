import type { Command } from 'commander';
import type { ApiClient } from '../../common/client/api-client.js';
import { ApiError } from '../../common/client/api-error.js';
import { controllerRef } from '../../common/controller/owner-key.js';
import { serviceEndpointsSection } from '../../common/printers/service-endpoints.js';
import { type ApiObject, type Kind, type ObjectOf, resourceTypes } from '../../common/schema/index.js';
import { cliContext } from '../cli-context.js';
import { describeObject } from '../printers/describe.js';
import { dnsRoutesSection } from '../printers/dns-routes.js';
import { executionHistoryLines } from '../printers/execution-history.js';
import { hpaSummary } from '../printers/hpa-describe.js';
import { deploymentSummary, replicaSetSummary } from '../printers/workload-describe.js';
import { resolveTypes } from './get.js';

type RelatedLines<K extends Kind> = (client: ApiClient, o: ObjectOf<K>, namespace: string) => Promise<string[]>;

const owned = <T extends ApiObject>(owner: ApiObject, items: T[]) => items.filter((o) => controllerRef(o)?.uid === owner.metadata.uid);

/** Lines about the objects a kind works with: a DNS entry's services, a service's endpoints, a ReplicaSet's pods, a Deployment's ReplicaSets. */
const relatedLines: { [K in Kind]?: RelatedLines<K> } = {
  DNS: async (client, dns, namespace) => dnsRoutesSection(dns, (await client.list('Service', { namespace })).items),
  Service: async (client, svc, namespace) => serviceEndpointsSection(svc, await client.get({ kind: 'Endpoints', namespace, name: svc.metadata.name })),
  ReplicaSet: async (client, rs, namespace) => replicaSetSummary(rs, owned(rs, (await client.list('Pod', { namespace })).items)),
  Deployment: async (client, d, namespace) => deploymentSummary(d, owned(d, (await client.list('ReplicaSet', { namespace })).items)),
  HorizontalPodAutoscaler: async (_client, hpa) => hpaSummary(hpa),
  Execution: async (_client, e) => executionHistoryLines(e, new Date()),
};

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
      const related = (relatedLines[object.kind] as RelatedLines<typeof object.kind> | undefined)?.(client, object, opts.namespace);
      process.stdout.write(`${describeObject(object, events, new Date(), await related)}\n`);
    });
}
