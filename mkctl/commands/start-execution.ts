import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Json } from '../../common/schema/index.js';
import { startWorkflow, waitForExecution } from '../../common/workflows/executions.js';
import { cliContext } from '../cli-context.js';

/** `-d '{"a":1}'` or `-d @input.json`: the execution's input, which must be JSON. */
async function readInput(data: string | undefined): Promise<Json> {
  if (data === undefined) return {};
  const text = data.startsWith('@') ? await readFile(data.slice(1), 'utf8') : data;
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new Error(`-d: the input must be JSON: ${(err as Error).message}`);
  }
}

export function register(program: Command): void {
  program
    .command('start-execution')
    .description('Start an execution of a workflow; prints its id (with --wait, its output once it ends)')
    .argument('<workflow>', 'the workflow to run')
    .option('-d, --data <json>', 'the input: JSON, or @FILE')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--wait', 'wait for the execution to end and print its output')
    .option('--timeout <seconds>', 'how long --wait waits', '300')
    .action(async (workflow: string, opts: { data?: string; namespace: string; wait?: boolean; timeout: string }) => {
      const input = await readInput(opts.data);
      const { client } = cliContext();
      if (!(await client.get({ kind: 'Workflow', namespace: opts.namespace, name: workflow })))
        throw new Error(`workflow "${workflow}" not found in namespace ${opts.namespace}`);
      const started = await startWorkflow(client, opts.namespace, workflow, input, 'cli');
      const id = started.metadata.name;
      if (!opts.wait) return void console.log(`execution/${id} started`);
      const done = await waitForExecution(client, opts.namespace, id, Number(opts.timeout) * 1000);
      if (!done?.status) throw new Error(`execution/${id} is still running after ${opts.timeout} s; see: mkctl describe execution ${id}`);
      if (done.status.phase === 'Succeeded') return void console.log(JSON.stringify(done.status.output ?? null, null, 2));
      throw new Error(
        `execution/${id} ${done.status.phase}: ${done.status.error ?? ''}${done.status.cause ? `: ${done.status.cause}` : ''} ` +
          `(see: mkctl describe execution ${id})`,
      );
    });
}
