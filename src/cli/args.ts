// Argument parsing shared by the commands: node's parseArgs, with usage errors
// turned into exit code 2 and a pointer to --help.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './files.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  positionals = false,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals,
      strict: true,
    });
  } catch (err) {
    throw new CliError(
      `${command}: ${(err as Error).message}\nRun "channel-incentives ${command} --help" for usage.`,
      2,
    );
  }
}

export function required(command: string, values: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) {
    throw new CliError(
      `${command}: missing ${missing.map((n) => `--${n}`).join(', ')}\nRun "channel-incentives ${command} --help" for usage.`,
      2,
    );
  }
}
