// The server process: `--role api|worker|all` (default all). Opens the store
// (embedded PGlite or DATABASE_URL), the queues (Redis or BullMQ's PostgreSQL
// backend on the store's database), starts the workers and/or the HTTP API, and
// shuts down gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
import { parseArgs } from 'node:util';
import type { CommandIo } from './cli/io.js';
import { offsetClock, systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { buildApp } from './http/app.js';
import { connectorFactory } from './jobs/connectors.js';
import { createQueues, type Queues } from './jobs/queue-factory.js';
import { startWorkers } from './jobs/workers.js';
import { createLogger, type Logger } from './log.js';
import { loadKeyring } from './secrets/embedded-key.js';
import { openStore, type Store } from './store/database.js';
import { createLocks } from './store/locks.js';

export type Role = 'api' | 'worker' | 'all';
export const ROLES: Role[] = ['api', 'worker', 'all'];

export interface Runtime {
  /** The HTTP address (the API, or health and metrics for a worker). */
  url: string;
  store: Store;
  queues: Queues;
  logger: Logger;
  stop(deadlineMs?: number): Promise<{ forced: boolean }>;
}

/** Logs an error source at most once per interval (reconnect loops repeat the same error). */
function throttled(logger: Logger, source: string, everyMs = 10_000) {
  let last = 0;
  return (err: Error) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    logger.warn({ source, reason: err.message }, `${source} connection problem`);
  };
}

export async function startRuntime(
  config: Config,
  opts: { role: Role; logger?: Logger; notify?: (msg: string) => void },
): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const notify = opts.notify ?? ((m: string) => logger.warn(m));
  const keyring = await loadKeyring(config, notify);
  const store = await openStore(config, { mode: 'serve', onError: throttled(logger, 'store') });
  const queues = createQueues(
    config.redisUrl
      ? { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix }
      : { kind: 'postgres', connection: store.pgConnection },
    throttled(logger, 'queue'),
    config.jobs,
  );
  logger.info(
    {
      role: opts.role,
      store: store.db.kind,
      queue: queues.kind,
      ...(store.embedded ? { gatewayPort: store.embedded.port } : {}),
    },
    'runtime starting',
  );
  // One factory (and one lock table) for the API and the workers of this process.
  const connectors = connectorFactory({ store, keyring, locks: createLocks(store), logger });
  if (opts.role !== 'api') {
    startWorkers({
      queues,
      store,
      keyring,
      logger,
      connectors,
      publicUrl: config.publicUrl,
      reconcile: config.reconcile,
      now: config.clockOffsetFile ? offsetClock(config.clockOffsetFile) : systemClock,
    });
  }

  // The API serves everything; a worker serves health and metrics only (so
  // orchestrators can probe it). Several workers on one host: give each its own PORT (or 0).
  const app = await buildApp({
    db: store.db,
    queues,
    keyring,
    logger,
    bodyLimit: config.bodyLimit,
    rateLimit: {
      perMinute: config.rateLimitPerMinute,
      redisUrl: config.redisUrl,
      namespace: `${config.queuePrefix}-rate:`,
    },
    publicUrl: config.publicUrl,
    surface: opts.role === 'worker' ? 'ops' : 'all',
    connectors,
    widget: {
      frameAncestors: config.widgetFrameAncestors,
      corsOrigins: config.widgetCorsOrigins,
      sessionTtlMs: config.widgetSessionTtlMs,
    },
  });
  const url = await app.listen({ host: config.host, port: config.port });

  let stopping: Promise<{ forced: boolean }> | null = null;
  const stop = (deadlineMs = config.shutdownTimeoutMs) => {
    stopping ??= (async () => {
      const started = Date.now();
      // 1. Stop accepting requests (in-flight ones finish).
      await app.close();
      // 2. Let active jobs finish until the deadline; then release them (they stall and retry).
      const { forced } = await queues.closeWorkers(Math.max(0, deadlineMs - (Date.now() - started)));
      // 3. Close connections.
      await queues.close();
      await store.db.close();
      logger.info({ forced, ms: Date.now() - started }, 'runtime stopped');
      return { forced };
    })();
    return stopping;
  };
  return { url, store, queues, logger, stop };
}

const HELP = `usage: channel-incentives serve [--role api|worker|all]

Starts the server. With neither DATABASE_URL nor REDIS_URL it needs no services:
PGlite under DATA_DIR holds the store and the queues. See docs/configuration.md.

  --role   api (HTTP, no workers), worker (jobs; serves only /health and /metrics) or all (default)
`;

/** Entry for `channel-incentives serve` and `node dist/src/main.js`. */
export async function runMain(argv: string[], io: CommandIo): Promise<number> {
  let values: { role?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    io.err(`serve: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const role = (values.role ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    io.err(`serve: --role must be one of ${ROLES.join(', ')} (got "${values.role}")\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    io.err(`channel-incentives: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  let runtime: Runtime;
  try {
    runtime = await startRuntime(config, { role, notify: (m) => io.err(`channel-incentives: ${m}\n`) });
  } catch (err) {
    io.err(`channel-incentives: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  io.err(
    `channel-incentives: ${role} running` +
      (runtime.url
        ? ` on ${runtime.url} (health: ${runtime.url}/health/ready, docs: ${runtime.url}/docs)`
        : '') +
      `; store=${runtime.store.db.kind}, queue=${runtime.queues.kind}\n`,
  );
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      io.err(
        `channel-incentives: ${signal} received, shutting down (deadline ${config.shutdownTimeoutMs} ms)\n`,
      );
      // A hard stop if closing itself hangs past the deadline (plus a margin).
      const hard = setTimeout(() => resolve(1), config.shutdownTimeoutMs + 5000);
      hard.unref();
      runtime.stop().then(
        ({ forced }) => {
          clearTimeout(hard);
          resolve(forced ? 1 : 0);
        },
        (err) => {
          io.err(`channel-incentives: shutdown failed: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
