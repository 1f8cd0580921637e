// What the runtime CLI commands share: config, keyring and the store — reached
// through the running server's loopback gateway when `npm start` is up (embedded
// mode), or opened directly otherwise (DATA_DIR, or DATABASE_URL).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { UsageError } from '../core/index.js';
import { loadKeyring } from '../secrets/embedded-key.js';
import type { Keyring } from '../secrets/keyring.js';
import { openStore, type Store } from '../store/database.js';
import { type TenantId, tenantId } from '../store/ids.js';
import type { CommandIo } from './io.js';

export interface CliContext {
  config: Config;
  keyring: Keyring;
  store: Store;
}

// A usage problem: printed with the command's help, exit code 2. The core's class, so a
// usage mistake the core finds (a period key that does not fit the plan) reads the same.
export { UsageError };

export async function withContext(io: CommandIo, fn: (ctx: CliContext) => Promise<number>): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    io.err(`channel-incentives: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  const keyring = await loadKeyring(config, (m) => io.err(`channel-incentives: ${m}\n`));
  const store = await openStore(config, { mode: 'client', max: 2 });
  try {
    return await fn({ config, keyring, store });
  } finally {
    await store.db.close();
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function tenantArg(value: string | undefined): TenantId {
  if (!value) throw new UsageError('missing tenant id (e.g. --tenant t_abc123)');
  try {
    return tenantId(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs a command body with uniform help, usage errors (2) and failures (1). */
export async function runCommand(
  io: CommandIo,
  argv: string[],
  help: string,
  body: () => Promise<number>,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(help);
    return 0;
  }
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${help}`);
      return 2;
    }
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

export const printJson = (io: CommandIo, value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);
