import { Command } from 'commander';

/**
 * mkctl: kubectl's habits for minik8s. Each command lives in ./commands/<name>.ts and exports
 * `register(program)`; add one import and one call below per command file.
 */
export function buildProgram(): Command {
  const program = new Command('mkctl').description('Command-line client for a minik8s cluster').showHelpAfterError();
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  await buildProgram().parseAsync(argv);
}
