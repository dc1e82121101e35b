import { Command } from 'commander';
import { formatCliError } from './cli-error.js';
import { register as registerApply } from './commands/apply.js';
import { register as registerCluster } from './commands/cluster.js';
import { register as registerCordon } from './commands/cordon.js';
import { register as registerDelete } from './commands/delete.js';
import { register as registerDescribe } from './commands/describe.js';
import { register as registerExec } from './commands/exec.js';
import { register as registerFunctions } from './commands/functions.js';
import { register as registerGet } from './commands/get.js';
import { register as registerHistory } from './commands/history.js';
import { register as registerKubeconfig } from './commands/kubeconfig.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerRollback } from './commands/rollback.js';
import { register as registerRollout } from './commands/rollout.js';
import { register as registerStartExecution } from './commands/start-execution.js';
import { register as registerSync } from './commands/sync.js';
import { register as registerTop } from './commands/top.js';

/**
 * mkctl: kubectl's habits for minik8s. Each command lives in ./commands/<name>.ts and exports
 * `register(program)`; add one import and one call below per command file.
 */
export function buildProgram(): Command {
  const program = new Command('mkctl').description('Command-line client for a minik8s cluster').showHelpAfterError();
  registerGet(program);
  registerDescribe(program);
  registerApply(program);
  registerDelete(program);
  registerSync(program);
  registerHistory(program);
  registerRollback(program);
  registerRollout(program);
  registerCluster(program);
  registerLogs(program);
  registerExec(program);
  registerCordon(program);
  registerTop(program);
  registerFunctions(program);
  registerStartExecution(program);
  registerKubeconfig(program);
  return program;
}

/** A failed command prints its message (no stack trace) and exits non-zero. */
export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`${formatCliError(err)}\n`);
    process.exitCode = 1;
  }
}
