// Runs a command body and maps failures to exit codes: 1 for bad plan or input,
// 2 for bad usage, with a readable message on stderr (never a stack trace).
import { InputError, UsageError } from '../core/index.js';
import { CliError } from './files.js';
import type { CommandIo } from './io.js';

export async function runCommand(io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof UsageError) {
      io.err(`channel-incentives: ${err.message}\n`);
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`channel-incentives: bad input: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
