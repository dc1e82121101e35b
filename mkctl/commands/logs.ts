import { type Command, InvalidArgumentError } from 'commander';
import { podLogs } from '../../common/client/pod-streams.js';
import { LABEL_FUNCTION } from '../../common/functions/function-labels.js';
import { cliContext } from '../cli-context.js';

/** Commander parser for a count of lines. */
export function wholeNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of lines');
  return n;
}

export function register(program: Command): void {
  program
    .command('logs')
    .description("Print a pod container's logs, served by its node's agent; function/NAME: all its instances, each line prefixed")
    .argument('<pod>', 'a pod, or function/NAME')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'the container (needed when the pod has several)')
    .option('-f, --follow', 'keep streaming new lines')
    .option('--tail <lines>', 'only the last N lines', wholeNumber)
    .option('-p, --previous', "the container's previous attempt, from before its last restart")
    .action(async (pod: string, opts: { namespace: string; container?: string; follow?: boolean; tail?: number; previous?: boolean }) => {
      const { client } = cliContext();
      const fn = /^(?:function|fn)\/(.+)$/.exec(pod)?.[1];
      if (fn) {
        const { items } = await client.list('Pod', { namespace: opts.namespace, labelSelector: `${LABEL_FUNCTION}=${fn}` });
        if (items.length === 0) return void process.stderr.write(`function ${fn} has no instances now (it is scaled to zero)\n`);
        await Promise.all(
          items.map(async (p) => {
            const stream = await podLogs(
              client,
              { namespace: opts.namespace, name: p.metadata.name },
              { follow: !!opts.follow, ...(opts.tail !== undefined && { tailLines: opts.tail }) },
            );
            let rest = '';
            for await (const chunk of stream) {
              const lines = (rest + chunk.toString()).split('\n');
              rest = lines.pop() ?? '';
              for (const line of lines) process.stdout.write(`[${p.metadata.name}] ${line}\n`);
            }
            if (rest) process.stdout.write(`[${p.metadata.name}] ${rest}\n`);
          }),
        );
        return;
      }
      const body = await podLogs(
        client,
        { namespace: opts.namespace, name: pod },
        {
          ...(opts.container && { container: opts.container }),
          follow: !!opts.follow,
          ...(opts.tail !== undefined && { tailLines: opts.tail }),
          previous: !!opts.previous,
        },
      );
      for await (const chunk of body) process.stdout.write(chunk);
    });
}
