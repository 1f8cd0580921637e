// Starts the scheduled upkeep of a worker process: the maintenance worker, the
// schedulers of every active tenant (checked at start-up), and the inbox reconciler's
// timer, whose rounds also give new tenants (and a Redis that lost them) their
// schedulers. Everything stops when the maintenance worker closes.
import type { Logger } from '../log.js';
import type { Database } from '../store/sql.js';
import type { ConnectorFactory } from './connectors.js';
import {
  RECONCILE_DEFAULTS,
  type ReconcileOptions,
  type Reconciler,
  startInboxReconciler,
} from './inbox-reconciler.js';
import { maintenanceProcessor } from './maintenance.worker.js';
import { reviveStaleRuns } from './pipeline/runs.service.js';
import type { Queues } from './queue-factory.js';
import { syncSchedules } from './schedules.js';

export interface UpkeepDeps {
  db: Database;
  queues: Queues;
  connectors: ConnectorFactory;
  publicUrl: string;
  logger: Logger;
  now?: () => Date;
}

export interface Upkeep {
  reconciler: Reconciler;
  /** Resolves when the start-up upsert of every active tenant's schedulers is done. */
  ready: Promise<void>;
  /** Stops the timer and the maintenance worker (process shutdown closes it anyway). */
  stop(): Promise<void>;
}

export function startUpkeep(
  deps: UpkeepDeps,
  opts: ReconcileOptions & { intervalMs?: number; concurrency?: number } = {},
): Upkeep {
  const log = deps.logger.child({ part: 'upkeep' });
  const worker = deps.queues.worker('maintenance', maintenanceProcessor(deps), {
    concurrency: opts.concurrency ?? 4,
  });
  const ready = (async () => {
    const r = await syncSchedules(deps.db, deps.queues, { checkIntervals: true });
    log.info(r, 'maintenance schedules checked');
  })().catch((err: Error) => {
    // The reconciler's rounds retry through syncSchedules.
    log.warn({ reason: err.message }, 'maintenance schedules not checked at start-up');
  });
  let scheduled = false;
  const reconciler = startInboxReconciler(
    { sql: deps.db, queues: deps.queues, logger: log },
    {
      ...opts,
      afterRound: async () => {
        if (!scheduled) {
          await ready;
          scheduled = true;
        }
        const r = await syncSchedules(deps.db, deps.queues);
        if (r.upserted > 0 || r.removed > 0) log.info(r, 'maintenance schedules synchronised');
        const staleAfterMs = opts.staleAfterMs ?? RECONCILE_DEFAULTS.staleAfterMs;
        for (const stale of await reviveStaleRuns(deps.db, deps.queues, staleAfterMs)) {
          if (stale.revived) log.info(stale, 'open run without a live job given one again');
          else log.warn(stale, 'open run without progress: its job is still there, not revived');
        }
      },
    },
  );
  worker.on('closing', () => reconciler.stop());
  return {
    reconciler,
    ready,
    async stop() {
      reconciler.stop();
      await worker.close();
    },
  };
}
