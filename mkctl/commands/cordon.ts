import type { Command } from 'commander';
import type { ApiClient } from '../../common/client/api-client.js';
import type { Node } from '../../common/schema/index.js';
import { cliContext } from '../cli-context.js';

async function setUnschedulable(client: ApiClient, name: string, unschedulable: boolean): Promise<boolean> {
  const node = await client.get({ kind: 'Node', name });
  if (!node) throw new Error(`node "${name}" not found`);
  if (Boolean(node.spec.unschedulable) === unschedulable) return false;
  await client.update<Node>({ ...node, spec: { ...node.spec, unschedulable } });
  return true;
}

/** `cordon`, `uncordon` and `drain`: kubectl's node maintenance commands. */
export function register(program: Command): void {
  for (const [verb, unschedulable, description] of [
    ['cordon', true, 'Mark a node unschedulable'],
    ['uncordon', false, 'Mark a node schedulable again'],
  ] as const)
    program
      .command(verb)
      .argument('<node>')
      .description(description)
      .action(async (name: string) => {
        const changed = await setUnschedulable(cliContext().client, name, unschedulable);
        process.stdout.write(`node/${name} ${changed ? '' : 'already '}${verb}ed\n`);
      });
  program
    .command('drain')
    .argument('<node>')
    .description('Cordon a node and evict its pods (controllers replace theirs; pods from Git are rescheduled)')
    .action(async (name: string) => {
      const { client } = cliContext();
      const changed = await setUnschedulable(client, name, true);
      process.stdout.write(`node/${name} ${changed ? 'cordoned' : 'already cordoned'}\n`);
      const { items } = await client.list('Pod');
      for (const pod of items.filter((p) => p.spec.nodeName === name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) {
        await client.request('POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/eviction`, {});
        process.stdout.write(`evicting pod ${pod.metadata.namespace}/${pod.metadata.name}\n`);
      }
      process.stdout.write(`node/${name} drained\n`);
    });
}
